{#-
    A var's list of strings as a SQL list of quoted literals, each quote doubled, so a value holding a quote
    cannot break or alter the query: ['a', "it's"] -> ('a', 'it''s'). A single string counts as a one-item list.
-#}
{% macro sql_string_list(values) -%}
    {%- if values is string -%}{%- set values = [values] -%}{%- endif -%}
    {%- if values | length == 0 -%}
        {{ exceptions.raise_compiler_error("sql_string_list needs at least one value") }}
    {%- endif -%}
    ({%- for value in values -%}
        '{{ value | string | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%})
{%- endmacro %}

{#- One string var value as a quoted SQL literal, quotes doubled. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
