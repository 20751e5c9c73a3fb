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

{#-
    Elsewhere, a text of every column hashed: each value as its length, ':' and itself, a null as '~', so no two
    rows of values give the same text (a null and '', or a '|' inside a value, cannot collide).
-#}
{% macro default__fingerprint_of(columns, rules) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set text = "cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")" -%}
        {%- do parts.append(
            "case when " ~ column ~ " is null then '~' else "
            ~ dbt.concat(["cast(length(" ~ text ~ ") as " ~ dbt.type_string() ~ ")", "':'", text]) ~ " end"
        ) -%}
    {%- endfor -%}
    {%- do parts.append(rules) -%}
    {{ hash_to_bigint(dbt.concat(parts)) }}
{%- endmacro %}

{#- DuckDB hashes the columns themselves (no text to build: several times faster on millions of events). -#}
{% macro duckdb__fingerprint_of(columns, rules) -%}
    cast(hash({{ columns | join(', ') }}, {{ rules }}) >> 1 as bigint)
{%- endmacro %}

{#-
    The per-contact event figures the incremental per-contact models compare (model int_contacts__event_fingerprints),
    by name: for each, the column names, the events it covers (a condition over int_events__attributed, or none
    for all) and the hash of each event, XOR-ed per contact:
      events   - the whole history as int_contacts__daily_activity reads it (event_fingerprint);
      context  - the days of int_contacts__daily_event_context's window, device, browser, OS and country included;
      custom   - the events the custom segments read (int_contacts__custom_event_days), with the usage;
      sequence - the events their sequences read (int_contacts__custom_event_occurrences).
-#}
{% macro contact_fingerprint_figures() -%}
    {%- set usage = custom_segment_usage() -%}
    {{ return({
        'events': {'count': 'events', 'fingerprint': 'event_fingerprint', 'where': none,
                   'hash': event_fingerprint()},
        'context': {'count': 'context_events', 'fingerprint': 'context_fingerprint',
                    'where': 'activity_date >= ' ~ window_start(event_context_window_days()),
                    'hash': event_context_fingerprint()},
        'custom': {'count': 'custom_events', 'fingerprint': 'custom_fingerprint',
                   'where': custom_events_condition(usage.events), 'hash': custom_event_fingerprint(usage)},
        'sequence': {'count': 'sequence_events', 'fingerprint': 'sequence_fingerprint',
                     'where': custom_events_condition(usage.sequence_events), 'hash': custom_event_fingerprint(usage)},
    }) }}
{%- endmacro %}

{#- The select list of one figure of contact_fingerprint_figures(), over attributed events grouped by contact. -#}
{% macro contact_fingerprint_columns(figure) -%}
    {%- if figure['where'] -%}
        sum(case when {{ figure['where'] }} then 1 else 0 end) as {{ figure['count'] }},
        {{ bit_xor_agg('case when ' ~ figure['where'] ~ ' then ' ~ figure['hash'] ~ ' end') }} as {{ figure['fingerprint'] }}
    {%- else -%}
        count(*) as {{ figure['count'] }},
        {{ bit_xor_agg(figure['hash']) }} as {{ figure['fingerprint'] }}
    {%- endif -%}
{%- endmacro %}

{#-
    CTEs naming the contacts whose attributed events differ from the ones stored in {{ this }}, by comparing, per
    contact, one figure of contact_fingerprint_figures() (`figure`: its count and fingerprint, for the contacts
    with at least one such event) with the sum of {{ this }}'s `count_column` and the XOR of its event_fingerprint
    (its rows that match `stored_where`, when given): new contacts, contacts with events added, removed,
    re-attributed or changed, in `changed_contacts`; then `vanished_contacts` (the last CTE): the stored contacts
    left with no event (erased, deleted from the CRM, re-attributed elsewhere, an earlier as_of_date). The model
    emits one tombstone row for each (activity_date null), so delete+insert removes their stored rows, and
    delete_contacts_without_events() then removes the tombstones.
    The fresh figure is read from int_contacts__event_fingerprints, computed once per build for every such model,
    when that model is part of this run; a run that leaves it out (dbt build -s <model>, --exclude, state
    selection) would read figures of an earlier build, so it computes the figure from int_events__attributed, a
    view and so current, instead. The model needs `-- depends_on:` comments for both (an incremental run's SQL is
    not rendered when dbt parses).
-#}
{% macro changed_contacts_ctes(count_column, figure='events', stored_where=none) -%}
{%- do assert_stored_columns(['event_fingerprint']) -%}
{%- set figures = contact_fingerprint_figures() -%}
{%- set fresh = figures[figure] -%}
fresh_fingerprints as (

    {% if 'model.' ~ project_name ~ '.int_contacts__event_fingerprints' in selected_resources -%}
        select
            contact_id,
            {{ fresh['count'] }} as events,
            {{ fresh['fingerprint'] }} as fingerprint
        from {{ ref('int_contacts__event_fingerprints') }}
        where {{ fresh['count'] }} > 0
    {%- else -%}
        -- int_contacts__event_fingerprints is not part of this run: the figure from the events themselves
        select
            contact_id,
            {{ fresh['count'] }} as events,
            {{ fresh['fingerprint'] }} as fingerprint
        from (
            select
                contact_id,
                {{ contact_fingerprint_columns(fresh) }}
            from {{ ref('int_events__attributed') }}
            where contact_id is not null
            group by contact_id
        ) as computed
        where {{ fresh['count'] }} > 0
    {%- endif %}

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
