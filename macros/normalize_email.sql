{#- An email as a match key: trimmed, lower-cased; blank becomes null. -#}
{% macro normalize_email(expression) -%}
    lower({{ blank_to_null(expression) }})
{%- endmacro %}
