{#-
    Incremental CRM base models (base_crm__contacts; see its YAML description for the design). This file: which
    raw rows an incremental run re-screens, the key the stored rows are swapped on, and the rules they were
    screened under.
-#}

{#-
    The body of the `source` CTE of an incremental CRM or survey base model over raw table `table_name`, whose record
    id is `key` (an expression over the raw columns, null for a blank id). A full build reads every raw row. An
    incremental run reads every raw row (every version) of each record that
      - has a version landed (`loaded_at`, the raw load time typed) within var record_lookback_days (3) days before
        the latest load time already stored (rows quarantined as impossible_load_time excluded, as for the events),
        or one whose load time is unreadable; or
      - has no id (the blank ids are one small group, re-screened on every run); or
      - has a version of an erased person (`erased_condition`, a predicate over the raw columns: few, re-screened
        on every run, so their rows are stored screened as erased whenever they were loaded);
    and every raw row when the table was screened under other rules (column screened_with, `rules` as for
    record_screening_rules). Whole records are re-screened, so the latest version wins across batches exactly as
    in a full build. The window is computed over the raw rows in one read of the adapter (a second read, as a
    semi-join, would make DuckDB copy every raw row of the ephemeral adapter first); no relation of raw record ids
    is stored or exposed.
-#}
{% macro incremental_record_source(table_name, key, loaded_at, erased_condition, rules={}) -%}
{%- if is_incremental() -%}
    {%- do assert_stored_columns(['record_key', 'screened_with']) -%}
    select windowed.*
    from (
        select
            raw_rows.*,
            max(case when {{ loaded_at }} is null or {{ loaded_at }} >= (
                select coalesce(
                    {{ dbt.dateadd('day', -(var('record_lookback_days') | int), 'max(stored.loaded_at)') }},
                    cast('1900-01-01' as timestamp)
                )
                from {{ this }} as stored
                where coalesce(stored.quarantine_reason, '') <> 'impossible_load_time'
            ) or coalesce({{ erased_condition }}, false) then 1 else 0 end) over (partition by {{ key }}) as is_in_batch
        from {{ raw_relation(table_name) }} as raw_rows
    ) as windowed
    where
        windowed.is_in_batch = 1
        or {{ key }} is null
        or exists (select 1 from {{ this }} where coalesce(screened_with, '') <> {{ record_screening_rules(rules) }})
{%- else -%}
    select * from {{ raw_relation(table_name) }}
{%- endif -%}
{%- endmacro %}

{#-
    Pre-hook of an incremental CRM base model: deletes the stored rows of people erased since they were stored
    (`column`, the stored record id, in `erased_ids`). Their raw rows are re-screened on every run under the key
    '' (incremental_record_source), so the swap on record_key alone would leave the rows stored under their id.
-#}
{% macro delete_newly_erased_records(column, erased_ids) -%}
    {%- if is_incremental() -%}
        {{ delete_rows(this, column ~ ' in (' ~ erased_ids ~ ')') }}
    {%- endif -%}
{%- endmacro %}

{#-
    The rules a stored CRM or survey row was screened under, as a text literal (column screened_with): the cleaning
    vars every record screening reads, the model's own (`rules`, a mapping of name to value, e.g. a score's
    scale), and a version of the stored columns (raise it when a column is added). A run under other rules
    re-screens every row.
-#}
{% macro record_screening_rules(rules={}) -%}
    {%- set own = [] -%}
    {%- for name, value in rules | dictsort -%}
        {%- do own.append(';' ~ name ~ '=' ~ value) -%}
    {%- endfor -%}
    {{ sql_string(
        'min_valid_timestamp=' ~ var('min_valid_timestamp') ~ ';max_clock_skew_hours=' ~ var('max_clock_skew_hours')
        ~ ';max_load_time_skew_hours=' ~ var('max_load_time_skew_hours')
        ~ ';placeholder_values=' ~ (var('placeholder_values', []) | join('|')) ~ own | join('') ~ ';columns=1'
    ) }}
{%- endmacro %}

{#-
    On an incremental run: stop with a message naming the fix when the stored table lacks a column the incremental
    batch reads (`columns`): a table stored by a version of the project before the model was incremental (or before
    the column existed) would otherwise fail with a binder error, or keep its old rows next to the re-screened ones.
-#}
{% macro assert_stored_columns(columns) -%}
    {%- if execute -%}
        {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- set missing = columns | reject('in', stored) | list -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                this ~ " was stored by an earlier version of the project: it has no column " ~ missing | join(', ')
                ~ ", which the incremental run reads. Rebuild it once: dbt build --full-refresh --select "
                ~ model.name ~ "+") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
