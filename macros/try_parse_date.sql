{#- Text YYYY-MM-DD (or a typed date/timestamp) to a date, or null when it is not a real calendar date. -#}
{% macro try_parse_date(expression) -%}
    {{ return(adapter.dispatch('try_parse_date', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__try_parse_date(expression) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }})) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            then cast(substring(trim(cast({{ expression }} as {{ dbt.type_string() }})), 1, 10) as date)
    end
{%- endmacro %}

{#- Postgres: "1990-02-30" matches the format but is no date; the function gives null (safe_cast_functions.sql). -#}
{% macro postgres__try_parse_date(expression) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }})) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            then {{ safe_cast_schema() }}.segments_try_date(substring(trim(cast({{ expression }} as {{ dbt.type_string() }})), 1, 10))
    end
{%- endmacro %}

{% macro duckdb__try_parse_date(expression) -%}
    try_cast(substring(trim(cast({{ expression }} as {{ dbt.type_string() }})), 1, 10) as date)
{%- endmacro %}

{#- Spark: the format check with rlike; try_cast gives null for "1990-02-30". -#}
{% macro spark__try_parse_date(expression) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }})) rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            then try_cast(substring(trim(cast({{ expression }} as {{ dbt.type_string() }})), 1, 10) as date)
    end
{%- endmacro %}
