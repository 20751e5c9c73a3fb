{#- An 8-byte floating-point type on every engine (dbt.type_float() may be 4-byte on some). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'segments')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
