{#-
    The screening shared by the CRM tables (accounts, contacts, orders, subscriptions, tickets) and the survey
    answers, emitted as CTEs that follow the model's typed CTE (`from_cte`, with columns record_id, loaded_at,
    loaded_at_raw, is_erased when `erasable`, and for each of `parsed_times` the column and its `<column>_raw`).
    Reasons in the order of docs/raw_contract.md; the first wins:
      1. row checks, whatever the version: erasure_requested (when `erasable`), missing_id, impossible_load_time,
         then `checks_before_times`, unparseable_timestamp (any of `parsed_times` null), future_timestamp (the
         latest of `future_times` after the load time plus var max_clock_skew_hours), then `checks_after_times`;
      2. among the rows of one record_id that pass them, all but the first by `order_by` get `repeat_reason`
         (the rank is in column `rank_column`; ties are broken by the raw texts of `parsed_times` and the load
         time, so every build ranks the same rows the same way);
      3. the first version's own checks, `version_checks`.
    Each check is a pair [reason, condition]. The quarantine detail is the raw text behind the reason: `details`
    maps a reason to its expression; impossible_load_time gives loaded_at_raw and unparseable_timestamp the raw text
    of the first unparseable of `parsed_times`.
    Ends with a CTE named `screened`: every column of `from_cte`, row_check, the rank, quarantine_reason and
    quarantine_detail.
-#}
{% macro record_screening_ctes(
    order_by,
    parsed_times,
    future_times,
    from_cte='typed',
    erasable=false,
    checks_before_times=[],
    checks_after_times=[],
    version_checks=[],
    details={},
    rank_column='version_rank',
    repeat_reason='superseded_version'
) -%}
{%- set latest_time = future_times[0] if future_times | length == 1 else 'greatest(' ~ future_times | join(', ') ~ ')' -%}
{%- set unparseable_raw -%}
    {%- if parsed_times | length == 1 -%}
        {{ parsed_times[0] }}_raw
    {%- else -%}
        coalesce(
        {%- for column in parsed_times[:-1] %}case when {{ column }} is null then {{ column }}_raw end, {% endfor -%}
        {{ parsed_times[-1] }}_raw)
    {%- endif -%}
{%- endset -%}
{%- set all_details = {'impossible_load_time': 'loaded_at_raw', 'unparseable_timestamp': unparseable_raw} -%}
{%- do all_details.update(details) -%}
checked as (

    select
        *,
        case
            {%- if erasable %}
            when is_erased then 'erasure_requested'
            {%- endif %}
            when record_id is null then 'missing_id'
            when {{ load_time_is_impossible('loaded_at', 'loaded_at_raw') }} then 'impossible_load_time'
            {%- for reason, condition in checks_before_times %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
            when {{ parsed_times | join(' is null or ') }} is null
                then 'unparseable_timestamp'
            when {{ latest_time }} > {{ dbt.dateadd('hour', var('max_clock_skew_hours') | int, 'loaded_at') }}
                then 'future_timestamp'
            {%- for reason, condition in checks_after_times %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as row_check
    from {{ from_cte }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by record_id, row_check
            -- then the raw texts: versions tied on every typed column of `order_by` (two unparseable updated_at
            -- landed together) are ranked the same way by every build, full or incremental
            order by {{ order_by }},
                {%- for column in parsed_times %} {{ column }}_raw asc nulls last,{% endfor %} loaded_at_raw asc nulls last
        ) as {{ rank_column }}
    from checked

),

reasoned as (

    select
        *,
        case
            when row_check is not null then row_check
            when {{ rank_column }} > 1 then '{{ repeat_reason }}'
            {%- for reason, condition in version_checks %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as quarantine_reason
    from ranked

),

screened as (

    select
        *,
        case quarantine_reason
            {%- for reason, expression in all_details.items() %}
            when '{{ reason }}' then {{ expression }}
            {%- endfor %}
        end as quarantine_detail
    from reasoned

)
{%- endmacro %}
