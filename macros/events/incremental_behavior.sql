{#-
    Incremental event models (issue 4): see the YAML descriptions of base_product__tracks and
    int_contacts__daily_activity for the design. This file: how the incremental behavior models find the contacts whose events changed.
-#}

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
