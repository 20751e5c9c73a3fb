{#-
    Source adapters: which loader shape each group of contract tables (docs/raw_contract.md) arrives in, chosen by
    vars, and which contract tables a user declares absent. docs/adapters.md has the mapping of every adapter.

    Every base_ screening model reads its contract table through raw_relation(): the model
    base_<adapter>__<table>, which maps one loader's tables onto the contract's columns. The `generic` adapter is
    the contract itself (models/staging/adapters/generic): the raw table read column by column, by name.
-#}

{#- Contract table -> (var naming its adapter, adapters that can provide it). -#}
{% macro raw_table_adapters() -%}
    {{ return({
        'accounts': ('crm_adapter', ['generic', 'hubspot', 'salesforce']),
        'contacts': ('crm_adapter', ['generic', 'hubspot', 'salesforce']),
        'tickets': ('crm_adapter', ['generic', 'hubspot', 'salesforce']),
        'orders': ('billing_adapter', ['generic', 'stripe']),
        'subscriptions': ('billing_adapter', ['generic', 'stripe']),
        'tracks': ('events_adapter', ['generic', 'segment', 'rudderstack', 'snowplow']),
        'pages': ('events_adapter', ['generic', 'segment', 'rudderstack', 'snowplow']),
        'identifies': ('events_adapter', ['generic', 'segment', 'rudderstack', 'snowplow']),
        'responses': ('surveys_adapter', ['generic', 'qualtrics']),
        'erasure_requests': (none, ['generic']),
    }) }}
{%- endmacro %}

{#- Contract tables that must be present: everything else may be declared absent. -#}
{% macro required_raw_tables() -%}
    {{ return(['contacts', 'erasure_requests']) }}
{%- endmacro %}

{#- The contract tables declared absent (var absent_raw_tables), checked: a name the contract lacks stops the parse. -#}
{% macro absent_raw_tables() -%}
    {%- set declared = var('absent_raw_tables', []) or [] -%}
    {%- if declared is string -%}
        {%- set declared = [declared] -%}
    {%- endif -%}
    {%- set known = raw_table_adapters() -%}
    {%- for table_name in declared -%}
        {%- if table_name not in known -%}
            {{ exceptions.raise_compiler_error(
                "var absent_raw_tables names '" ~ table_name ~ "', which is not a contract table. Contract tables: "
                ~ known.keys() | sort | join(', ') ~ " (docs/raw_contract.md).") }}
        {%- elif table_name in required_raw_tables() -%}
            {{ exceptions.raise_compiler_error(
                "var absent_raw_tables names '" ~ table_name ~ "', which cannot be absent: the project needs "
                ~ required_raw_tables() | join(' and ') ~ " (an empty table is fine for erasure_requests).") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(declared) }}
{%- endmacro %}

{% macro raw_table_is_absent(table_name) -%}
    {{ return(table_name in absent_raw_tables()) }}
{%- endmacro %}

{#- The adapter that provides a contract table: the value of its var, checked against the adapters that exist. -#}
{% macro raw_table_adapter(table_name) -%}
    {%- set var_name, allowed = raw_table_adapters()[table_name] -%}
    {%- set chosen = var(var_name, 'generic') if var_name else 'generic' -%}
    {%- if chosen not in allowed -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " is '" ~ chosen ~ "'; it must be one of: " ~ allowed | join(', ')
            ~ " (docs/adapters.md).") }}
    {%- endif -%}
    {{ return(chosen) }}
{%- endmacro %}

{#- The model a base_ screening model reads for a contract table. An absent table is read as the generic model,
    which is then empty. -#}
{% macro raw_relation(table_name) -%}
    {%- set adapter_name = 'generic' if raw_table_is_absent(table_name) else raw_table_adapter(table_name) -%}
    {{ return(ref('base_' ~ adapter_name ~ '__' ~ table_name)) }}
{%- endmacro %}

{#- Whether base_<adapter_name>__<table_name> is the model that feeds the table in this project (its `enabled`). -#}
{% macro raw_adapter_enabled(adapter_name, table_name) -%}
    {%- if raw_table_is_absent(table_name) -%}
        {{ return(adapter_name == 'generic') }}
    {%- endif -%}
    {{ return(raw_table_adapter(table_name) == adapter_name) }}
{%- endmacro %}

{#- A contract column's declared data_type (sources YAML) as this engine's type; undeclared columns are text. -#}
{% macro contract_column_type(data_type) -%}
    {%- set declared = (data_type or 'text') | lower -%}
    {%- if declared == 'bigint' -%} {{ dbt.type_bigint() }}
    {%- elif declared == 'double' -%} {{ type_double() }}
    {%- elif declared == 'boolean' -%} {{ dbt.type_boolean() }}
    {%- elif declared == 'timestamp' -%} {{ dbt.type_timestamp() }}
    {%- else -%} {{ dbt.type_string() }}
    {%- endif -%}
{%- endmacro %}

{#-
    The generic adapter: a raw table read column by column, by name, as the sources YAML declares it. A column the
    table lacks (only optional ones may: assert_raw_sources_present stops the run first otherwise) is null of its
    declared type; a column the table has beyond the contract is not read, so a loader adding columns never
    changes what staging computes. A table declared absent (var absent_raw_tables) is an empty table of the
    contract's columns, and the raw table is not read at all.
-#}
{% macro contract_columns(relation, source_name, table_name) -%}
    {%- if not execute -%}
        select * from {{ relation if relation is not none else '(select 1 as placeholder) as parsing' }}
    {%- else -%}
        {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
            | selectattr('name', 'equalto', table_name) | first -%}
        {%- set absent = raw_table_is_absent(table_name) -%}
        {%- set present = {} -%}
        {%- if not absent -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- do present.update({column.name | lower: column.name}) -%}
            {%- endfor -%}
        {%- endif %}
        select
            {%- for column in node.columns.values() %}
            {%- set raw_name = present.get(column.name | lower) %}
            {% if raw_name -%}
                {{ adapter.quote(raw_name) }}
            {%- else -%}
                cast(null as {{ contract_column_type(column.data_type) }})
            {%- endif %} as {{ adapter.quote(column.name | lower) }}{{ "," if not loop.last }}
            {%- endfor %}
        {% if absent -%}
            limit 0
        {%- else -%}
            from {{ relation }}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}
