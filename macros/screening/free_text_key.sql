{#-
    normalize_key() of a free-text CRM field, null when it is blank or a placeholder from var placeholder_values
    ("N/A", "unknown", "-", ...): such values mean "missing", and must not reach a seed lookup where "na" is
    Namibia. Placeholders are compared by their normalized key, compiled in as quoted literals.
-#}
{% macro free_text_key(expression) -%}
    {%- set placeholder_keys = [] -%}
    {%- for value in var('placeholder_values', []) -%}
        {%- set value_key = modules.re.sub('[\\W_]', '', value | string | lower) -%}
        {%- if value_key and value_key not in placeholder_keys -%}{%- do placeholder_keys.append(value_key) -%}{%- endif -%}
    {%- endfor -%}
    {%- if placeholder_keys -%}
    case
        when {{ normalize_key(expression) }} in {{ sql_string_list(placeholder_keys) }} then null
        else {{ normalize_key(expression) }}
    end
    {%- else -%}
    {{ normalize_key(expression) }}
    {%- endif -%}
{%- endmacro %}
