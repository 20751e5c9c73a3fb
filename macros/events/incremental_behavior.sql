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
    A 64-bit integer hash of one attributed event (id, type, name, time) and of the behavior rules: XOR-ed over a
    contact's events it is the fingerprint the incremental behavior models compare to find the contacts whose
    events changed.
-#}
{% macro event_fingerprint(relation_alias='') -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {{ fingerprint_of([prefix ~ 'event_id', prefix ~ 'event_type', prefix ~ 'event_name', prefix ~ 'occurred_at'],
                      behavior_rules()) }}
{%- endmacro %}

{#-
    The same for what int_contacts__daily_event_context reads of an event (id, type, time, device type, browser,
    OS, country): a redelivery that wins deduplication with another browser changes it.
-#}
{% macro event_context_fingerprint(relation_alias='') -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {{ fingerprint_of([prefix ~ 'event_id', prefix ~ 'event_type', prefix ~ 'occurred_at', prefix ~ 'device_type',
                       prefix ~ 'browser_name', prefix ~ 'os_name', prefix ~ 'country_code'], sql_string('context')) }}
{%- endmacro %}

{#- The days int_contacts__daily_event_context keeps: the longer of its two readers' windows. -#}
{% macro event_context_window_days() -%}
    {{ return([var('tech_event_window_days') | int, var('geo_event_window_days') | int] | max) }}
{%- endmacro %}

{#-
    A 64-bit integer hash of the columns (nulls included) and of `rules`, a text expression. Each engine hashes its
    own way, so the stored fingerprints are compared only on the engine that wrote them.
-#}
{% macro fingerprint_of(columns, rules) -%}
    {{ return(adapter.dispatch('fingerprint_of', 'segments')(columns, rules)) }}
{%- endmacro %}

{% macro default__fingerprint_of(columns, rules) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.extend(["coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')", "'|'"]) -%}
    {%- endfor -%}
    {%- do parts.append(rules) -%}
    {{ hash_to_bigint(dbt.concat(parts)) }}
{%- endmacro %}

{#- DuckDB hashes the columns themselves (no text to build: several times faster on millions of events). -#}
{% macro duckdb__fingerprint_of(columns, rules) -%}
    cast(hash({{ columns | join(', ') }}, {{ rules }}) >> 1 as bigint)
{%- endmacro %}

{#-
    CTEs naming the contacts whose attributed events differ from the ones stored in {{ this }}, by comparing, per
    contact, int_contacts__event_fingerprints (computed once per build for every incremental per-contact model:
    its columns `fresh_count` and `fresh_fingerprint`, the contacts with `fresh_count` > 0) with the sum of
    {{ this }}'s `count_column` and the XOR of its event_fingerprint (its rows that match `stored_where`, when
    given): new contacts, contacts with events added, removed, re-attributed or changed, in `changed_contacts`;
    then `vanished_contacts` (the last CTE): the stored contacts left with no event (erased, deleted from the CRM,
    re-attributed elsewhere, an earlier as_of_date). The model emits one tombstone row for each (activity_date
    null), so delete+insert removes their stored rows, and delete_contacts_without_events() then removes the
    tombstones. The model needs a `-- depends_on:` comment for int_contacts__event_fingerprints (an incremental
    run's SQL is not rendered when dbt parses).
-#}
{% macro changed_contacts_ctes(count_column, fresh_count='events', fresh_fingerprint='event_fingerprint',
                               stored_where=none) -%}
{%- do assert_stored_columns(['event_fingerprint']) -%}
fresh_fingerprints as (

    select
        contact_id,
        {{ fresh_count }} as events,
        {{ fresh_fingerprint }} as fingerprint
    from {{ ref('int_contacts__event_fingerprints') }}
    where {{ fresh_count }} > 0

),

stored_fingerprints as (

    select
        contact_id,
        sum({{ count_column }}) as events,
        {{ bit_xor_agg('event_fingerprint') }} as fingerprint
    from {{ this }}
    {% if stored_where -%}
        where {{ stored_where }}
    {%- endif %}
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
    the vanished contacts (see changed_contacts_ctes), and, with `before` (a date expression), the rows of days
    that have left the model's window. By then delete+insert has deleted the vanished contacts' rows, so contacts
    with no attributed event left have none stored. Reading the tombstones instead of comparing the stored
    contacts with the attributed-events view again spares a second pass over every event.
-#}
{% macro delete_contacts_without_events(before=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where activity_date is null
        {%- if before %} or activity_date < {{ before }}{% endif %}
    {%- endif -%}
{%- endmacro %}
