{#-
    The quarantine-rate gate (tests/assert_quarantine_share_within_threshold.sql): a raw table whose rows staging
    quarantines for one reason in a share above its threshold stops the build, so that a systematic input problem
    (a timestamp format nothing parses, a renamed id column) never reaches the marts as "nobody was active".

    Thresholds (vars, see dbt_project.yml "Gates" and docs/operations.md, "Gates"):
      max_quarantine_share        the share of a table's raw rows quarantined for one reason that fails the build
      quarantine_share_overrides  {key: share}, key one of "<source>.<table>.<reason>", "<reason>" or
                                  "<source>.<table>"; the first that matches wins, in that order
      quarantine_gate_min_rows    fewer quarantined rows than this never fail (a 30-row fixture with 12 bad rows
                                  is a test, not a broken loader); tables with 0 raw rows have no share at all
-#}

{#- The threshold of each row as a SQL expression over the three column names; checks the vars first. -#}
{% macro quarantine_share_threshold(source_column, table_column, reason_column) -%}
    {%- set global_share = quarantine_gate_share(var('max_quarantine_share', 0.2), 'max_quarantine_share') -%}
    {%- set overrides = var('quarantine_share_overrides', {}) or {} -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var quarantine_share_overrides must be a mapping {key: share}, got: " ~ overrides) }}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for source_name, table_name in staged_raw_tables() -%}
        {%- do tables.append(source_name ~ '.' ~ table_name) -%}
    {%- endfor -%}
    {%- set pairs, reasons, whole_tables = [], [], [] -%}
    {%- for key, value in overrides.items() -%}
        {%- set share = quarantine_gate_share(value, 'quarantine_share_overrides[' ~ key ~ ']') -%}
        {%- set parts = (key | string | trim).split('.') -%}
        {%- if parts | length == 3 and (parts[0] ~ '.' ~ parts[1]) in tables -%}
            {%- do pairs.append((parts[0], parts[1], parts[2], share)) -%}
        {%- elif parts | length == 2 and (key | string | trim) in tables -%}
            {%- do whole_tables.append((parts[0], parts[1], share)) -%}
        {%- elif parts | length == 1 and parts[0] | length > 0 -%}
            {%- do reasons.append((parts[0], share)) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "var quarantine_share_overrides: key '" ~ key ~ "' is not <reason>, <source>.<table> or "
                ~ "<source>.<table>.<reason> of a raw table (" ~ tables | join(', ') ~ ")") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if not (pairs or reasons or whole_tables) -%}
        {{ global_share }}
    {%- else -%}
        case
            {%- for source_name, table_name, reason, share in pairs %}
            when {{ source_column }} = '{{ source_name }}' and {{ table_column }} = '{{ table_name }}'
                and {{ reason_column }} = '{{ reason }}' then {{ share }}
            {%- endfor %}
            {%- for reason, share in reasons %}
            when {{ reason_column }} = '{{ reason }}' then {{ share }}
            {%- endfor %}
            {%- for source_name, table_name, share in whole_tables %}
            when {{ source_column }} = '{{ source_name }}' and {{ table_column }} = '{{ table_name }}' then {{ share }}
            {%- endfor %}
            else {{ global_share }}
        end
    {%- endif -%}
{%- endmacro %}

{#- A share var, checked: a number from 0 to 1, rendered as a SQL literal. -#}
{% macro quarantine_gate_share(value, name) -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.match('^(0(\\.[0-9]+)?|1(\\.0+)?|\\.[0-9]+)$', text) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a share from 0 to 1 (e.g. 0.2 for 20%), got: " ~ text) }}
    {%- endif -%}
    {{- 'cast(' ~ text ~ ' as ' ~ type_double() ~ ')' -}}
{%- endmacro %}

{#- The quarantined-row minimum, checked: a whole number of rows. -#}
{% macro quarantine_gate_min_rows() -%}
    {%- set text = var('quarantine_gate_min_rows', 100) | string | trim -%}
    {%- if not modules.re.match('^[0-9]+$', text) -%}
        {{ exceptions.raise_compiler_error("var quarantine_gate_min_rows must be a whole number of rows, got: " ~ text) }}
    {%- endif -%}
    {{- text -}}
{%- endmacro %}

{#-
    Run by the gate test while dbt builds or tests: when any table and reason is over its threshold, stops the test
    with ONE message naming each of them (table, reason, count, share, threshold and a sample record id), which dbt
    prints as the test's error; `segments publish` then refuses the run. `violations_sql` returns the rows over their
    threshold; `quarantined` maps "<source>.<table>" to the relation of its quarantined rows (for the sample id).
-#}
{% macro raise_on_quarantine_gate(violations_sql, quarantined) %}
    {%- if execute and flags.WHICH in ['build', 'test', 'retry'] -%}
        {%- set violations = run_query(violations_sql) -%}
        {%- if violations.rows | length > 0 -%}
            {%- set lines = [] -%}
            {%- for row in violations.rows | sort(attribute='source_name,table_name,reason') -%}
                {%- set key = row['source_name'] ~ '.' ~ row['table_name'] -%}
                {%- set sample = run_query(
                    "select min(record_id) as record_id from " ~ quarantined[key]
                    ~ " where reason = '" ~ (row['reason'] | replace("'", "''")) ~ "'") -%}
                {%- set record_id = sample.rows[0]['record_id'] if sample.rows | length > 0 else none -%}
                {%- set example = "sample record id '" ~ record_id ~ "'" if record_id is not none
                    else "no sample id (" ~ ("withheld for erasure" if row['reason'] == 'erasure_requested'
                        else "the rows have none") ~ ")" -%}
                {%- do lines.append(
                    key ~ ": " ~ "{:,}".format(row['row_count'] | int) ~ " of " ~ "{:,}".format(row['rows_in'] | int)
                    ~ " raw rows (" ~ "%.1f" | format(row['share_of_rows_in'] * 100) ~ "%) quarantined as "
                    ~ row['reason'] ~ ", above the threshold of " ~ "%g" | format(row['max_share'] * 100) ~ "%; "
                    ~ example) -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(
                "Quarantine gate: " ~ (lines | join("; ")) ~ ". Nothing from this build may be published or "
                ~ "exported: fix the raw data (data_quality.fct_data_quality__staging_rows and the staging "
                ~ "*_quarantined views list the rows), or raise the threshold (vars max_quarantine_share, "
                ~ "quarantine_share_overrides; docs/operations.md, Gates).") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
