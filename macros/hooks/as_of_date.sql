{#-
    The last complete UTC day that counts, as a SQL date literal. From var `as_of_date` (YYYY-MM-DD); unset, from
    the environment variable SEGMENTS_AS_OF_DATE; unset too, the UTC day the run started (run_started_at, fixed for
    the whole invocation: a run crossing midnight still uses one date).
    The environment variable is read only when dbt executes, never while it parses: dbt re-parses the whole project
    when a var changes (about 3 s here), while a date that changes every day through the environment keeps the
    partial parse. Parsing renders a placeholder date, which no query ever sees.
-#}
{% macro as_of_date() -%}
    cast('{{ as_of_date_string() }}' as date)
{%- endmacro %}

{% macro as_of_date_string() -%}
    {%- set raw = var('as_of_date', none) -%}
    {%- set origin = 'var as_of_date' -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {%- set raw = env_var('SEGMENTS_AS_OF_DATE', '') if execute else '' -%}
        {%- set origin = 'SEGMENTS_AS_OF_DATE' -%}
    {%- endif -%}
    {%- if (raw | string | trim) == '' -%}
        {{- (run_started_at or modules.datetime.datetime.now(modules.pytz.utc)).astimezone(modules.pytz.utc).strftime('%Y-%m-%d') -}}
    {%- else -%}
        {%- set text = raw | string | trim -%}
        {%- set parts = modules.re.match('^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', text) -%}
        {%- if parts -%}
            {#- the month's last day, so 2026-02-30 is refused with this message rather than Python's -#}
            {%- set year, month = parts.group(1) | int, parts.group(2) | int -%}
            {%- set next_month = modules.datetime.date(year + 1, 1, 1) if month == 12
                else modules.datetime.date(year, month + 1, 1) -%}
            {%- set last_day = (next_month - modules.datetime.timedelta(days=1)).day -%}
        {%- endif -%}
        {%- if not parts or (parts.group(3) | int) > last_day -%}
            {{ exceptions.raise_compiler_error(origin ~ " must be a date written YYYY-MM-DD, got: " ~ text) }}
        {%- endif -%}
        {{- text -}}
    {%- endif -%}
{%- endmacro %}

{#-
    On-run-start check: a bad date (var or environment) stops the run before any node, not at the first model that
    reads it after seeds and other models already ran.
-#}
{% macro check_as_of_date() -%}
    {%- if execute -%}
        {%- do as_of_date_string() -%}
    {%- endif -%}
    select 1 as as_of_date_checked
{%- endmacro %}
