{#-
    The screening shared by every event table (tracks, pages, identifies), emitted as CTEs that follow a
    `typed` CTE (columns is_erased, event_id, user_id, anonymous_id, occurred_at, occurred_at_raw, received_at,
    loaded_at, and has_impossible_load_time and load_time_raw from impossible_load_time_columns()). Reasons in the order of docs/raw_contract.md; the first wins.
    Duplicate deliveries of one message id: the first received is kept.
    Ends with a CTE named `screened`: the `stored_columns` of `typed`, then quarantine_reason and
    quarantine_detail. Only what downstream models read is stored: the working columns (is_erased, the raw
    timestamp text, the row check and the delivery rank) cost a third of the write of the largest table.
-#}
{% macro event_screening_ctes(stored_columns) -%}
-- read three times below (the repeated ids, then both branches of ranked): computed once
checked as {{ materialized_cte() }} (

    select
        *,
        case
            when is_erased then 'erasure_requested'
            when event_id is null then 'missing_id'
            when has_impossible_load_time then 'impossible_load_time'
            when user_id is null and anonymous_id is null then 'missing_identity'
            when occurred_at is null then 'unparseable_timestamp'
            when occurred_at < cast('{{ var("min_valid_timestamp") }}' as timestamp) then 'implausible_timestamp'
            when occurred_at > {{ dbt.dateadd('hour', var('max_clock_skew_hours') | int, 'received_at') }}
                then 'future_timestamp'
        end as row_check
    from typed

),

-- Message ids delivered more than once: few (about 1 in 70), so only their rows are ranked; sorting every row
-- of the table by id for the window took a third of the screening.
repeated_ids as (

    select event_id
    from checked
    where event_id is not null
    group by event_id
    having count(*) > 1

),

ranked as (

    select
        checked.*,
        1 as first_delivery_rank
    from checked
    where
        checked.event_id is null
        or not exists (select 1 from repeated_ids where repeated_ids.event_id = checked.event_id)

    union all

    select
        checked.*,
        row_number() over (
            partition by checked.event_id, checked.row_check
            order by checked.received_at, checked.loaded_at, checked.occurred_at
        ) as first_delivery_rank
    from checked
    where exists (select 1 from repeated_ids where repeated_ids.event_id = checked.event_id)

),

screened as (

    select
        {%- for column in stored_columns %}
        {{ column }},
        {%- endfor %}
        case
            when row_check is not null then row_check
            when first_delivery_rank > 1 then 'duplicate_event'
        end as quarantine_reason,
        case
            when row_check in ('unparseable_timestamp', 'implausible_timestamp', 'future_timestamp')
                then occurred_at_raw
            when row_check = 'impossible_load_time' then load_time_raw
        end as quarantine_detail
    from ranked

)
{%- endmacro %}


{#-
    Two working columns of an event `typed` CTE (over the raw columns received_at and uuid_ts):
    has_impossible_load_time, true when either loader time is given but cannot be (load_time_is_impossible),
    and load_time_raw, the raw text of the first such one, for the quarantine detail.
-#}
{% macro impossible_load_time_columns() -%}
    {%- set received_impossible = load_time_is_impossible(loader_timestamp('received_at'), 'received_at') -%}
    {%- set loaded_impossible = load_time_is_impossible(loader_timestamp('uuid_ts'), 'uuid_ts') -%}
    coalesce({{ received_impossible }} or {{ loaded_impossible }}, false) as has_impossible_load_time,
        case
            when {{ received_impossible }} then {{ raw_text('received_at') }}
            when {{ loaded_impossible }} then {{ raw_text('uuid_ts') }}
        end as load_time_raw
{%- endmacro %}


{#-
    The CTEs that open the event base models (tracks and pages, before their context CTEs; identifies): the erased ids (read first,
    see erased_event_ids_cte), `source` (on an incremental run only the dedup groups this run must re-screen,
    macros/events/incremental_event_batch.sql) and `flagged_source` (erased_event_flag_ctes).
-#}
{% macro event_source_ctes(table_name) -%}
{%- if is_incremental() -%}
    {%- do assert_stored_columns(['dedup_key', 'screened_with']) -%}
{%- endif -%}
{{ erased_event_ids_cte() }},

source as (

    select * from {{ raw_relation(table_name) }}
    {% if is_incremental() %}
        where {{ event_batch_condition(ref('base_product__' ~ table_name ~ '_deliveries')) }}
    {% endif %}

),

{{ erased_event_flag_ctes() }}
{%- endmacro %}


{#- The first columns of an event base model's `typed` CTE: the erasure flag, the ids and the dedup key. -#}
{% macro event_key_columns() -%}
    is_erased,
        {{ blank_to_null('id') }} as event_id,
        {{ event_dedup_key() }} as dedup_key,
        {{ event_screening_rules() }} as screened_with,
        {{ unless_erased(canonical_id('user_id')) }} as user_id,
        {{ unless_erased(canonical_id('anonymous_id')) }} as anonymous_id
{%- endmacro %}


{#-
    The time columns of the tracks and pages `typed` CTE: when it happened, was sent, received (a row the collector
    did not stamp falls back to its load time, docs/raw_contract.md) and loaded, and the impossible-load-time check.
-#}
{% macro event_time_columns() -%}
    {{ try_parse_timestamp('timestamp') }} as occurred_at,
        {{ blank_to_null('timestamp') }} as occurred_at_raw,
        {{ try_parse_timestamp('sent_at') }} as sent_at,
        coalesce({{ loader_timestamp('received_at') }}, {{ loader_timestamp('uuid_ts') }}) as received_at,
        {{ loader_timestamp('uuid_ts') }} as loaded_at,
        {{ impossible_load_time_columns() }}
{%- endmacro %}
