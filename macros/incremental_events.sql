{#-
    Incremental event models (issue 4). See the YAML descriptions of base_product__tracks and
    int_contacts__daily_activity for the design; these macros are its moving parts.
-#}

{#-
    Where the raw rows of an incremental run of an event base model come from: every raw row of each message id
    (one "dedup group") that
      - has a delivery landed (uuid_ts) in the load window: from var event_lookback_days (3) days before the
        latest load time already stored (rows quarantined as impossible_load_time excluded: a uuid_ts of 2099
        would otherwise hide every later day's events), so rows a loader committed late are still picked up, or
      - has no id at all (all blank-id rows are one small group, re-screened on every run), or
      - belongs to a person erased since the row was stored (their stored kept rows must go);
    and every raw row when the table was screened under other cleaning vars (column screened_with).
    Whole groups are re-screened, so the first-received delivery wins across batches exactly as in a full build.
    Emits a boolean condition on the raw source's columns; only valid inside `is_incremental()`, in a model whose
    `erased_ids` CTE (erased_event_ids_cte) comes before it.
    The group key is event_dedup_key(), the expression the base models store as dedup_key.
-#}
{% macro event_batch_condition(raw_relation) -%}
    {{ event_dedup_key() }} in (
        select {{ event_dedup_key() }} as dedup_key
        from {{ raw_relation }}
        where
            {{ loader_timestamp('uuid_ts') }} is null
            or {{ loader_timestamp('uuid_ts') }} >= (
                select coalesce(
                    {{ dbt.dateadd('day', -(var('event_lookback_days') | int), 'max(loaded_at)') }},
                    cast('1900-01-01' as timestamp)
                )
                from {{ this }}
                -- the watermark: a load time that cannot be (2099, infinity) is quarantined and never counts
                where coalesce(quarantine_reason, '') <> 'impossible_load_time'
            )
        union all
        select cast('' as {{ dbt.type_string() }}) as dedup_key
        union all
        select dedup_key
        from {{ this }}
        where
            coalesce(quarantine_reason, '') <> 'erasure_requested'
            and (
                user_id in (select erased_ids.product_id from erased_ids)
                or anonymous_id in (select erased_ids.product_id from erased_ids)
            )
    )
    or exists (select 1 from {{ this }} where coalesce(screened_with, '') <> {{ event_screening_rules() }})
{%- endmacro %}

{#-
    The key of a dedup group of raw event rows (deliveries of one message id): the id trimmed, '' for a blank or
    missing id (those rows form one group). Stored by the event base models as dedup_key and compared by
    event_batch_condition() over every raw row, so it is written with one trim (the same value as
    coalesce(blank_to_null(id), ''), which trims twice: 1.4 s instead of 2.3 s over 26M raw tracks).
-#}
{% macro event_dedup_key(column='id') -%}
    coalesce(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- The cleaning vars a stored event row was screened under, as a text literal. -#}
{% macro event_screening_rules() -%}
    {{ sql_string(
        'min_valid_timestamp=' ~ var('min_valid_timestamp') ~ ';max_clock_skew_hours=' ~ var('max_clock_skew_hours')
        ~ ';max_load_time_skew_hours=' ~ var('max_load_time_skew_hours')
    ) }}
{%- endmacro %}

{#-
    The behavior vars that shape sessions and daily activity, as text: part of every event fingerprint, so a run
    with other rules (login_events, core_events, report_created_event, session_gap_minutes) recomputes everyone.
-#}
{% macro behavior_rules() -%}
    {{ sql_string(
        'login=' ~ (login_event_names() | join(',')) ~ ';core=' ~ (core_event_names() | join(','))
        ~ ';report=' ~ var('report_created_event') ~ ';gap=' ~ var('session_gap_minutes')
    ) }}
{%- endmacro %}

{#-
    A 64-bit integer hash of one attributed event (id, type, name, time) and of the behavior rules: XOR-ed over a contact's events it is the
    fingerprint the incremental behavior models compare to find the contacts whose events changed.
-#}
{% macro event_fingerprint(relation_alias='') -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {{ return(adapter.dispatch('event_fingerprint', 'segments')(prefix)) }}
{%- endmacro %}

{% macro default__event_fingerprint(prefix) -%}
    {%- set text = dbt.concat([
        prefix ~ 'event_id', "'|'", prefix ~ 'event_type', "'|'", "coalesce(" ~ prefix ~ "event_name, '')", "'|'",
        'cast(' ~ prefix ~ 'occurred_at as ' ~ dbt.type_string() ~ ')', "'|'", behavior_rules()
    ]) -%}
    {{ hash_to_bigint(text) }}
{%- endmacro %}

{#- DuckDB hashes the columns themselves (no text to build: several times faster on millions of events). -#}
{% macro duckdb__event_fingerprint(prefix) -%}
    cast(
        hash({{ prefix }}event_id, {{ prefix }}event_type, {{ prefix }}event_name, {{ prefix }}occurred_at, {{ behavior_rules() }}) >> 1
        as bigint
    )
{%- endmacro %}

{#- A text expression to a (63- or 64-bit) integer hash that fits a bigint. -#}
{% macro hash_to_bigint(text) -%}
    {{ return(adapter.dispatch('hash_to_bigint', 'segments')(text)) }}
{%- endmacro %}

{% macro default__hash_to_bigint(text) -%}
    cast(('x' || substr(md5({{ text }}), 1, 16)) as bit(64))::bigint
{%- endmacro %}

{% macro duckdb__hash_to_bigint(text) -%}
    cast(hash({{ text }}) >> 1 as bigint)
{%- endmacro %}

{% macro spark__hash_to_bigint(text) -%}
    xxhash64({{ text }})
{%- endmacro %}

{#- Bitwise XOR of a bigint column over a group (order-independent, so a set of events has one fingerprint). -#}
{% macro bit_xor_agg(expression) -%}
    {{ return(adapter.dispatch('bit_xor_agg', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__bit_xor_agg(expression) -%}
    bit_xor({{ expression }})
{%- endmacro %}

{#-
    CTEs (after an `events` CTE of attributed events with contact_id not null) naming the contacts whose set of
    attributed events differs from the one stored in {{ this }} (column event_fingerprint, count column
    `count_column`): new contacts, contacts with events added, removed, re-attributed, or changed, in
    `changed_contacts`; then `vanished_contacts` (the last CTE): the stored contacts left with no attributed
    event at all (erased, deleted from the CRM, re-attributed elsewhere, an earlier as_of_date). The model emits
    one tombstone row for each (activity_date null), so delete+insert removes their stored rows, and
    delete_contacts_without_events() then removes the tombstones.
-#}
{% macro changed_contacts_ctes(count_column) -%}
-- a pass over every attributed event, read twice below: computed once
fresh_fingerprints as {{ materialized_cte() }} (

    select
        contact_id,
        count(*) as events,
        {{ bit_xor_agg(event_fingerprint()) }} as fingerprint
    from events
    group by contact_id

),

stored_fingerprints as (

    select
        contact_id,
        sum({{ count_column }}) as events,
        {{ bit_xor_agg('event_fingerprint') }} as fingerprint
    from {{ this }}
    group by contact_id

),

changed_contacts as (

    select fresh_fingerprints.contact_id
    from fresh_fingerprints
    left join stored_fingerprints
        on fresh_fingerprints.contact_id = stored_fingerprints.contact_id
    where
        stored_fingerprints.contact_id is null
        or stored_fingerprints.fingerprint is null
        or stored_fingerprints.events <> fresh_fingerprints.events
        or stored_fingerprints.fingerprint <> fresh_fingerprints.fingerprint

),

vanished_contacts as (

    select stored_fingerprints.contact_id
    from stored_fingerprints
    left join fresh_fingerprints
        on stored_fingerprints.contact_id = fresh_fingerprints.contact_id
    where fresh_fingerprints.contact_id is null

)
{%- endmacro %}

{#-
    Post-hook of the incremental behavior models: removes the tombstone rows (activity_date null) that stood for
    the vanished contacts (see changed_contacts_ctes). By then delete+insert has deleted those contacts' rows, so
    contacts with no attributed event left have none stored. Reading the tombstones instead of comparing the
    stored contacts with the attributed-events view again spares a second pass over every event.
-#}
{% macro delete_contacts_without_events() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where activity_date is null
    {%- endif -%}
{%- endmacro %}
