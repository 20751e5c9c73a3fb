{#-
    Incremental event models (issue 4): see the YAML descriptions of base_product__tracks and
    int_contacts__daily_activity for the design. This file: which raw rows an incremental run of an event base model re-screens.
-#}

{#-
    The body of base_product__<table>_deliveries (a view): for each raw row of `table_name`, its dedup key, its load
    time (uuid_ts, typed) and the three context values the base model cleans once per distinct value. Why a view
    of its own: the adapter is ephemeral, so dbt splices it into the base model as a CTE, and DuckDB copies a CTE
    read more than once (every column of every raw row: at 1,000,000 contacts, 26M tracks and 8 GB spilled to disk
    by each run, whatever the day brought). Read through this view, the base model reads its adapter CTE once, and
    the batch condition and the context lookups scan only the columns they need. Holds no identity and no free
    text of a person: message ids, load times, OS, browser and country names. With `context` false (identifies,
    which have no context columns), the dedup key and the load time only.
-#}
{% macro event_deliveries(table_name, context=true) -%}
select
    {{ event_dedup_key() }} as dedup_key,
    {{ loader_timestamp('uuid_ts') }} as loaded_at
    {%- if context %},
    context_os_name,
    context_browser,
    context_country
    {%- endif %}
from {{ raw_relation(table_name) }}
{%- endmacro %}

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
    `erased_ids` CTE (erased_event_ids_cte) comes before it. The groups are found in `deliveries`, the table's
    base_product__<table>_deliveries view (event_deliveries), so the raw rows are read through the adapter once.
    The group key is event_dedup_key(), the expression the base models store as dedup_key.
-#}
{% macro event_batch_condition(deliveries) -%}
    {{ event_dedup_key() }} in (
        select deliveries.dedup_key
        from {{ deliveries }} as deliveries
        where
            deliveries.loaded_at is null
            or deliveries.loaded_at >= (
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

{#-
    The cleaning vars a stored event row was screened under, as a text literal; with the version of the stored
    columns (`columns=2`: event_value and has_unparseable_value, added since), so a table stored before a column was
    added, or under another var event_value_property, is re-screened whole by the next run (rows kept from before
    would hold nulls). Raise the version when a column is added to the event base models.
-#}
{% macro event_screening_rules() -%}
    {{ sql_string(
        'min_valid_timestamp=' ~ var('min_valid_timestamp') ~ ';max_clock_skew_hours=' ~ var('max_clock_skew_hours')
        ~ ';max_load_time_skew_hours=' ~ var('max_load_time_skew_hours')
        ~ ';columns=2;event_value_property=' ~ var('event_value_property')
    ) }}
{%- endmacro %}

