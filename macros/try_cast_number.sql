{#- A number from text or a typed column, or null when it is not one ("ten", "N/A", ""). -#}
{% macro try_cast_number(expression, type='double') -%}
    {{ return(adapter.dispatch('try_cast_number', 'segments')(expression, type)) }}
{%- endmacro %}

{% macro default__try_cast_number(expression, type) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }})) ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$'
            then cast(trim(cast({{ expression }} as {{ dbt.type_string() }})) as {{ api.Column.translate_type(type) }})
    end
{%- endmacro %}

{% macro duckdb__try_cast_number(expression, type) -%}
    try_cast(trim(cast({{ expression }} as {{ dbt.type_string() }})) as {{ api.Column.translate_type(type) }})
{%- endmacro %}
