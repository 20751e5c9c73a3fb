{#- True when text contains the keyword as a whole word (case-sensitive; lower both sides first). -#}
{% macro matches_word(text_expression, keyword_expression) -%}
    {{ return(adapter.dispatch('matches_word', 'segments')(text_expression, keyword_expression)) }}
{%- endmacro %}

{% macro default__matches_word(text_expression, keyword_expression) -%}
    ({{ text_expression }} ~ ('\y' || {{ keyword_expression }} || '\y'))
{%- endmacro %}

{% macro duckdb__matches_word(text_expression, keyword_expression) -%}
    regexp_matches({{ text_expression }}, '\b' || {{ keyword_expression }} || '\b')
{%- endmacro %}

{#- Spark: Java regular expressions (rlike), backslashes doubled for Spark SQL string literals. -#}
{% macro spark__matches_word(text_expression, keyword_expression) -%}
    ({{ text_expression }} rlike concat('\\b', {{ keyword_expression }}, '\\b'))
{%- endmacro %}
