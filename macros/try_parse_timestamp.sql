{#-
    Text (or an already typed value) to a UTC timestamp without time zone, or null when it cannot be parsed.
    Accepted: ISO 8601 with "Z", with an offset (+02:00), or without zone (read as UTC; the DuckDB profile
    pins TimeZone to UTC). Never guesses: "31/02/1990" and "not a date" give null and the caller quarantines.
-#}
{% macro try_parse_timestamp(expression) -%}
    {{ return(adapter.dispatch('try_parse_timestamp', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__try_parse_timestamp(expression) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }}))
            ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
            then cast(cast(trim(cast({{ expression }} as {{ dbt.type_string() }})) as timestamp with time zone) at time zone 'UTC' as timestamp)
    end
{%- endmacro %}

{#-
    Postgres: the same format check, then a function that reads a value without zone as UTC whatever the session's
    TimeZone, and gives null for "2026-13-45T99:00:00Z" instead of failing the query (safe_cast_functions.sql).
-#}
{% macro postgres__try_parse_timestamp(expression) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }}))
            ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
            then {{ safe_cast_schema() }}.segments_try_timestamp(trim(cast({{ expression }} as {{ dbt.type_string() }})))
    end
{%- endmacro %}

{% macro duckdb__try_parse_timestamp(expression) -%}
    cast(timezone('UTC', try_cast(trim(cast({{ expression }} as {{ dbt.type_string() }})) as timestamptz)) as timestamp)
{%- endmacro %}

{#-
    Spark: the format check with rlike, then try_cast to timestamp, which reads "Z" and offsets and takes a value
    without zone in the session time zone (UTC: profiles.yml sets spark.sql.session.timeZone).
-#}
{% macro spark__try_parse_timestamp(expression) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }}))
            rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
            then try_cast(trim(cast({{ expression }} as {{ dbt.type_string() }})) as timestamp)
    end
{%- endmacro %}
