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
        {{ sql_string(value) }}{{ ", " if not loop.last }}
    {%- endfor -%})
{%- endmacro %}

{#-
    One text value as a quoted SQL literal: the one quoting path of var values and of the custom segments'
    values (docs/custom_segments.md). Standard SQL doubles the quotes; Spark reads a backslash as an escape and
    two adjacent literals as one ('it''s' is "its" there), so on Spark backslashes and quotes are escaped.
-#}
{% macro sql_string(value) -%}
    {{ return(adapter.dispatch('sql_string', 'segments')(value)) }}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
