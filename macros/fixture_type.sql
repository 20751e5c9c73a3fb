{#- The contract's type of a raw column, spelled for the target engine: the unit tests' given raw rows
    (format: sql) cast every value with it, so a unit test never takes its input types from the live raw
    tables (after `segments load` of CSV files every raw column is text). -#}
{% macro fixture_type(name) -%}
    {{ return(adapter.dispatch('fixture_type')(name)) }}
{%- endmacro %}

{% macro default__fixture_type(name) -%}
    {%- set types = {
        'string': dbt.type_string(),
        'bigint': dbt.type_bigint(),
        'double': 'double',
        'boolean': dbt.type_boolean(),
        'timestamp': dbt.type_timestamp(),
    } -%}
    {{ return(types[name]) }}
{%- endmacro %}

{% macro postgres__fixture_type(name) -%}
    {{ return('double precision' if name == 'double' else default__fixture_type(name)) }}
{%- endmacro %}
