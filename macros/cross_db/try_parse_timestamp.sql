{#-
    Text (or an already typed value) to a UTC timestamp without time zone, or null when it cannot be parsed.
    Accepted, on every engine:
      - ISO 8601 with "Z", "UTC" or an offset (+02:00, +0200, +02), with or without a space before the zone,
        "T" or a space between day and time: 2026-10-30T12:00:00Z, 2026-10-30 12:00:00.000 +0000 (a Snowflake
        unload), 2026-10-30 12:00:00+05:30 (converted: 06:30 UTC); without zone it is UTC (the DuckDB profile
        pins TimeZone to UTC, the Postgres function reads it so, Spark's session time zone is UTC);
      - a bare day (2026-10-30: midnight UTC);
      - epoch milliseconds (13 digits, 1761825600000) and epoch seconds (10 digits, 1761825600).
    Never guesses: "31/02/1990", "not a date" and the engines' special words ('epoch', 'infinity', 'now',
    'today', 'allballs') give null and the caller quarantines.
-#}
{% macro try_parse_timestamp(expression) -%}
    {{ return(adapter.dispatch('try_parse_timestamp', 'segments')(expression)) }}
{%- endmacro %}

{#- The accepted ISO 8601 form, as a regular expression (single backslashes). -#}
{% macro timestamp_pattern() -%}
    ^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)?)?$
{%- endmacro %}

{#- The text of the value, trimmed. -#}
{% macro timestamp_text(expression) -%}
    trim(cast({{ expression }} as {{ dbt.type_string() }}))
{%- endmacro %}

{#- The text with its zone written the way every engine's cast reads it: no space before it, "UTC" as "Z". -#}
{% macro timestamp_text_for_cast(text) -%}
    replace(replace(replace(replace({{ text }}, ' UTC', 'Z'), 'UTC', 'Z'), ' Z', 'Z'), ' +', '+')
{%- endmacro %}

{#- A negative offset after a space ("12:00:00 -0500"): the space goes too (a day never contains " -"). -#}
{% macro timestamp_cast_text(expression) -%}
    replace({{ timestamp_text_for_cast(timestamp_text(expression)) }}, ' -', '-')
{%- endmacro %}

{% macro default__try_parse_timestamp(expression) -%}
    {%- set text = timestamp_text(expression) -%}
    case
        when {{ regex_matches(text, timestamp_pattern()) }}
            then cast(cast({{ timestamp_cast_text(expression) }} as timestamp with time zone) at time zone 'UTC' as timestamp)
    end
{%- endmacro %}

{#-
    Postgres: the same format check, then a function that reads a value without zone as UTC whatever the session's
    TimeZone, and gives null for "2026-13-45T99:00:00Z" instead of failing the query (safe_cast_functions.sql).
    Epoch numbers through to_timestamp, read in UTC.
-#}
{% macro postgres__try_parse_timestamp(expression) -%}
    {%- set text = timestamp_text(expression) -%}
    case
        when {{ regex_matches(text, timestamp_pattern()) }}
            then {{ safe_cast_schema() }}.segments_try_timestamp({{ timestamp_cast_text(expression) }})
        when {{ regex_matches(text, '^[0-9]{13}$') }}
            then to_timestamp(cast({{ text }} as double precision) / 1000) at time zone 'UTC'
        when {{ regex_matches(text, '^[0-9]{10}$') }}
            then to_timestamp(cast({{ text }} as double precision)) at time zone 'UTC'
    end
{%- endmacro %}

{#-
    DuckDB: its cast reads 'epoch' and 'infinity' as timestamps: only text starting like a day (YYYY-MM-DD, a
    LIKE test: the full regular expression made the parse of every event three times slower) is cast, first as
    it is, then with its zone normalized (" +0000"). The cast also reads a named zone ("Europe/Paris"),
    converted like an offset.
-#}
{% macro duckdb__try_parse_timestamp(expression) -%}
    {%- set text = timestamp_text(expression) -%}
    case
        when {{ text }} like '____-__-__%'
            then cast(timezone('UTC', coalesce(
                try_cast({{ text }} as timestamptz), try_cast({{ timestamp_cast_text(expression) }} as timestamptz)
            )) as timestamp)
        when {{ regex_matches(text, '^[0-9]{13}$') }}
            then epoch_ms(try_cast({{ text }} as bigint))
        when {{ regex_matches(text, '^[0-9]{10}$') }}
            then epoch_ms(try_cast({{ text }} as bigint) * 1000)
    end
{%- endmacro %}

{#-
    Spark: the format check with rlike, then try_cast to timestamp, which reads "Z" and offsets and takes a value
    without zone in the session time zone (UTC: profiles.yml sets spark.sql.session.timeZone); Spark would also
    read 'epoch', 'now' and 'today', which the format check refuses.
-#}
{% macro spark__try_parse_timestamp(expression) -%}
    {%- set text = timestamp_text(expression) -%}
    case
        when {{ regex_matches(text, timestamp_pattern()) }}
            then try_cast({{ timestamp_cast_text(expression) }} as timestamp)
        when {{ regex_matches(text, '^[0-9]{13}$') }}
            then timestamp_millis(cast({{ text }} as bigint))
        when {{ regex_matches(text, '^[0-9]{10}$') }}
            then timestamp_seconds(cast({{ text }} as bigint))
    end
{%- endmacro %}

{#-
    A loader's own timestamp (_loaded_at, received_at, uuid_ts) to UTC. Loaders type it (TIMESTAMP or
    TIMESTAMPTZ: an offset is converted, never dropped) or write it as text in any form try_parse_timestamp
    reads (a Snowflake unload: "2026-10-30 12:00:00.000 +0000"). An unparseable one is null; the base models
    quarantine it, and a load time that cannot be (see load_time_is_impossible) with it.
-#}
{% macro loader_timestamp(expression) -%}
    {{ return(adapter.dispatch('loader_timestamp', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__loader_timestamp(expression) -%}
    {{ try_parse_timestamp(expression) }}
{%- endmacro %}

{#-
    DuckDB: a TIMESTAMP column is read as it is (no text round trip over millions of events: typeof is constant
    per column, so the branch not taken costs nothing); a TIMESTAMPTZ is converted to UTC; text is parsed.
    infinity stays infinity, for the impossibility check to see.
-#}
{% macro duckdb__loader_timestamp(expression) -%}
    case typeof({{ expression }})
        when 'TIMESTAMP' then try_cast({{ expression }} as timestamp)
        when 'TIMESTAMP WITH TIME ZONE' then cast(timezone('UTC', try_cast({{ expression }} as timestamptz)) as timestamp)
        else {{ try_parse_timestamp(expression) }}
    end
{%- endmacro %}

{#-
    True when a parsed load time cannot be a real one: after the run started (plus var max_load_time_skew_hours
    for clocks running ahead), before var min_valid_timestamp, or infinite. Such a row is quarantined
    (impossible_load_time): left in, a uuid_ts of 2099 would become the incremental watermark and every later
    day's events would be skipped. `raw` is the raw column: a value given but unparseable is impossible too.
-#}
{% macro load_time_is_impossible(parsed, raw) -%}
    (
        ({{ parsed }} is null and {{ blank_to_null(raw) }} is not null)
        or {{ parsed }} > {{ dbt.dateadd('hour', var('max_load_time_skew_hours') | int, run_started_timestamp()) }}
        or {{ parsed }} < cast('{{ var("min_valid_timestamp") }}' as timestamp)
    )
{%- endmacro %}

{#- When this dbt invocation started, in UTC, as a timestamp literal (one value for the whole run). -#}
{% macro run_started_timestamp() -%}
    cast('{{ (run_started_at or modules.datetime.datetime.now(modules.pytz.utc)).astimezone(modules.pytz.utc).strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
{%- endmacro %}
