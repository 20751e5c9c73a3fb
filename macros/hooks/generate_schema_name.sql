{#-
    Custom schemas are used as they are (staging, intermediate, marts, ...), not prefixed with the target
    schema, so BI tools and reverse-ETL see stable names in every environment. Models without a custom
    schema land in the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
