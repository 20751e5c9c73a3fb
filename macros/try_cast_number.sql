{#- A number from text or a typed column, or null when it is not one ("ten", "N/A", "", out of range). -#}
{% macro try_cast_number(expression, type='double') -%}
    {{ return(adapter.dispatch('try_cast_number', 'segments')(expression, type)) }}
{%- endmacro %}

{#- The SQL type for a type name; 'double' is the 8-byte float on every engine. -#}
{% macro number_type(type) -%}
    {%- if type | lower in ['double', 'double precision', 'float8'] -%}
        {{ type_double() }}
    {%- else -%}
        {{ api.Column.translate_type(type) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__try_cast_number(expression, type) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }})) ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$'
            then cast(trim(cast({{ expression }} as {{ dbt.type_string() }})) as {{ number_type(type) }})
    end
{%- endmacro %}

{#- Postgres: the same format check, then a cast that gives null when out of range (macros/safe_cast_functions.sql). -#}
{% macro postgres__try_cast_number(expression, type) -%}
    {%- set kind = type | lower -%}
    {%- if kind in ['double', 'double precision', 'float8'] -%}
        {%- set function = 'segments_try_double' -%}
    {%- elif kind in ['bigint', 'int8'] -%}
        {%- set function = 'segments_try_bigint' -%}
    {%- elif kind in ['integer', 'int', 'int4'] -%}
        {%- set function = 'segments_try_integer' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("try_cast_number on Postgres supports double, bigint and integer, not " ~ type) }}
    {%- endif -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }})) ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$'
            then {{ safe_cast_schema() }}.{{ function }}(trim(cast({{ expression }} as {{ dbt.type_string() }})))
    end
{%- endmacro %}

{% macro duckdb__try_cast_number(expression, type) -%}
    try_cast(trim(cast({{ expression }} as {{ dbt.type_string() }})) as {{ number_type(type) }})
{%- endmacro %}

{#-
    Spark: the same format check (rlike), then try_cast. Whole-number types go through a double rounded half away
    from zero ("12.5" -> 13), as DuckDB's TRY_CAST does (Spark's cast would truncate); a double beyond range
    ("1e999") is null, not infinity.
-#}
{% macro spark__try_cast_number(expression, type) -%}
    {%- set text = 'trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    {%- set as_double = 'try_cast(' ~ text ~ ' as double)' -%}
    case
        when {{ text }} rlike '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$'
            and abs({{ as_double }}) < double('Infinity')
            then
            {%- if type | lower in ['double', 'double precision', 'float8'] %} {{ as_double }}
            {%- else %} try_cast(round({{ as_double }}) as {{ api.Column.translate_type(type) }})
            {%- endif %}
    end
{%- endmacro %}
