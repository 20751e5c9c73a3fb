{#- Text with surrounding whitespace removed; empty text becomes null. -#}
{% macro blank_to_null(expression) -%}
    nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), '')
{%- endmacro %}
