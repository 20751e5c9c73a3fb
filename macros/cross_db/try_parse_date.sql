{#-
    Text YYYY-MM-DD (or a typed date/timestamp, or a timestamp text whose day is read) to a date, or null when it
    is not a real calendar date. Only digits are dates: the engines' special words ('epoch' = 1970-01-01,
    'infinity', 'today', 'now', 'allballs'...) are null on every engine, never a date (a birth date of 'epoch'
    would otherwise give an age of 56).
-#}
{% macro try_parse_date(expression) -%}
    {{ return(adapter.dispatch('try_parse_date', 'segments')(expression)) }}
{%- endmacro %}

{#- A day, optionally followed by a time of day (whose day is read): YYYY-MM-DD[( |T)HH:MM...]. -#}
{% macro date_pattern() -%}
    ^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)?)?$
{%- endmacro %}

{% macro default__try_parse_date(expression) -%}
    case
        when {{ regex_matches('trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))', date_pattern()) }}
            then cast(substring(trim(cast({{ expression }} as {{ dbt.type_string() }})), 1, 10) as date)
    end
{%- endmacro %}

{#- Postgres: "1990-02-30" matches the format but is no date; the function gives null (safe_cast_functions.sql). -#}
{% macro postgres__try_parse_date(expression) -%}
    case
        when {{ regex_matches('trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))', date_pattern()) }}
            then {{ safe_cast_schema() }}.segments_try_date(substring(trim(cast({{ expression }} as {{ dbt.type_string() }})), 1, 10))
    end
{%- endmacro %}

{% macro duckdb__try_parse_date(expression) -%}
    case
        when {{ regex_matches('trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))', date_pattern()) }}
            then try_cast(substring(trim(cast({{ expression }} as {{ dbt.type_string() }})), 1, 10) as date)
    end
{%- endmacro %}

{#- Spark: the format check with rlike; try_cast gives null for "1990-02-30". -#}
{% macro spark__try_parse_date(expression) -%}
    case
        when {{ regex_matches('trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))', date_pattern()) }}
            then try_cast(substring(trim(cast({{ expression }} as {{ dbt.type_string() }})), 1, 10) as date)
    end
{%- endmacro %}
