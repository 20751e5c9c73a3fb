{#-
    Postgres has no TRY_CAST: a cast of text that looks right but is out of range ("2026-13-45", "1990-02-30",
    "1e999") raises an error and fails the whole query. On Postgres this creates small functions that return
    null instead (run at the start of every dbt command, on-run-start); the try_* macros call them after a
    regular-expression check of the format. Other engines need nothing.
    They trap the error in an exception block (a subtransaction), which Postgres forbids in parallel query:
    they are left PARALLEL UNSAFE (the default), or large scans fail with "cannot start subtransactions".
-#}
{% macro create_safe_cast_functions() %}
    {{ return(adapter.dispatch('create_safe_cast_functions', 'segments')()) }}
{% endmacro %}

{% macro default__create_safe_cast_functions() %}
    select 1
{% endmacro %}

{#- The schema holding the functions: the target's own schema. -#}
{% macro safe_cast_schema() -%}
    {{ adapter.quote(target.schema) }}
{%- endmacro %}

{% macro postgres__create_safe_cast_functions() %}
    {% if execute %}
        create schema if not exists {{ safe_cast_schema() }};

        -- Text with or without a zone to a UTC timestamp; no zone means UTC, whatever the session's TimeZone.
        create or replace function {{ safe_cast_schema() }}.segments_try_timestamp(value text) returns timestamp
        language plpgsql immutable as $fn$
        begin
            if value ~ '[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$' then
                return cast(value as timestamp with time zone) at time zone 'UTC';
            end if;
            return cast(value as timestamp);
        exception when others then
            return null;
        end
        $fn$;

        create or replace function {{ safe_cast_schema() }}.segments_try_date(value text) returns date
        language plpgsql immutable as $fn$
        begin
            return cast(value as date);
        exception when others then
            return null;
        end
        $fn$;

        create or replace function {{ safe_cast_schema() }}.segments_try_double(value text) returns double precision
        language plpgsql immutable as $fn$
        begin
            return cast(value as double precision);
        exception when others then
            return null;
        end
        $fn$;

        -- Whole numbers from text with a fraction round half away from zero ("12.5" -> 13), as DuckDB's TRY_CAST.
        create or replace function {{ safe_cast_schema() }}.segments_try_bigint(value text) returns bigint
        language plpgsql immutable as $fn$
        begin
            return cast(round(cast(value as numeric)) as bigint);
        exception when others then
            return null;
        end
        $fn$;

        create or replace function {{ safe_cast_schema() }}.segments_try_integer(value text) returns integer
        language plpgsql immutable as $fn$
        begin
            return cast(round(cast(value as numeric)) as integer);
        exception when others then
            return null;
        end
        $fn$
    {% else %}
        select 1
    {% endif %}
{% endmacro %}
