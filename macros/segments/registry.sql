{#-
    The segment registry (var segment_registry in dbt_project.yml, docs/registry.md): every segment model declared
    once. These macros are the only readers on the dbt side; segments_warehouse/registry.py reads the same var
    for segments validate and segments registry, and checks it in full (tests/python/test_registry.py).
-#}

{#-
    Every registry entry, in registry order, with its key (contact_id or account_id) added: vars.segment_registry,
    then the custom segments' entries (macro custom_segment_registry, generated from segments/*.yml).
-#}
{% macro segment_models() -%}
    {%- set keys = {'contact': 'contact_id', 'account': 'account_id'} -%}
    {%- set models = [] -%}
    {%- for entry in var('segment_registry') + custom_segment_registry() -%}
        {%- for field in ['name', 'mart', 'entity_type', 'segment_column', 'columns'] if entry[field] is not defined -%}
            {{ exceptions.raise_compiler_error("segment_registry: entry " ~ loop.index ~ " (" ~ entry.get('name', '?') ~ ") has no " ~ field ~ " (dbt_project.yml, docs/registry.md)") }}
        {%- endfor -%}
        {%- if entry.entity_type not in keys -%}
            {{ exceptions.raise_compiler_error("segment_registry: " ~ entry.name ~ " has entity_type " ~ entry.entity_type ~ "; contact or account") }}
        {%- endif -%}
        {%- if entry.segment_column not in entry.columns or entry.columns[entry.segment_column].get('values') is none -%}
            {{ exceptions.raise_compiler_error("segment_registry: " ~ entry.name ~ "'s segment column " ~ entry.segment_column ~ " needs its values under columns") }}
        {%- endif -%}
        {%- do models.append({
            'name': entry.name, 'mart': entry.mart, 'entity_type': entry.entity_type, 'key': keys[entry.entity_type],
            'segment_column': entry.segment_column, 'explanation_column': entry.segment_column ~ '_explanation',
            'columns': entry.columns,
        }) -%}
    {%- endfor -%}
    {{ return(models) }}
{%- endmacro %}

{#- The segment_model names, for the accepted-values tests of the long marts. -#}
{% macro segment_model_names() -%}
    {{ return(segment_models() | map(attribute='name') | list) }}
{%- endmacro %}

{#- The allowed values of a mart's column, for its accepted-values or exhaustive_exclusive_segments test. -#}
{% macro segment_values(mart, column) -%}
    {%- for model in segment_models() if model.mart == mart and model.columns.get(column, {}).get('values') is not none -%}
        {{ return(model.columns[column]['values'] | map('string') | list) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("segment_values: the segment registry has no values for " ~ mart ~ "." ~ column) }}
{%- endmacro %}

{#-
    dim_contact_segments' columns from the segment marts: the attributes of every model in registry order, then
    the metrics. Each: the model entry, the column, its SQL type and, for an account model, the missing value.
-#}
{% macro wide_segment_columns() -%}
    {%- set columns = [] -%}
    {%- for kind in ['attribute', 'metric'] -%}
        {%- for model in segment_models() -%}
            {%- for name, spec in model.columns.items() if spec.get('wide') == kind -%}
                {%- if model.entity_type == 'account' and spec.get('missing') is none -%}
                    {{ exceptions.raise_compiler_error("segment_registry: " ~ model.name ~ "." ~ name ~ " is an account model's wide column: give it a missing value") }}
                {%- endif -%}
                {%- do columns.append({'model': model, 'name': name, 'type': registry_type(spec.get('type', 'string')), 'missing': spec.get('missing'), 'crm': spec.get('crm', false)}) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The wide columns the CRM feed sends, as sw_<column>, in wide-column order. -#}
{% macro crm_segment_properties() -%}
    {{ return(wide_segment_columns() | selectattr('crm') | map(attribute='name') | list) }}
{%- endmacro %}

{#- A registry type name as this engine's SQL type. -#}
{% macro registry_type(name) -%}
    {%- set types = {
        'string': dbt.type_string(), 'boolean': dbt.type_boolean(), 'int': dbt.type_int(),
        'bigint': dbt.type_bigint(), 'double': type_double(),
    } -%}
    {%- if name not in types -%}
        {{ exceptions.raise_compiler_error("segment_registry: type " ~ name ~ " is not one of " ~ types.keys() | join(', ')) }}
    {%- endif -%}
    {{ return(types[name]) }}
{%- endmacro %}

{#- A registry value (a missing value) as a SQL literal: booleans and numbers as they are, text quoted. -#}
{% macro registry_literal(value) -%}
    {%- if value is sameas true or value is sameas false -%}{{ 'true' if value else 'false' }}
    {%- elif value is number -%}{{ value }}
    {%- else -%}{{ sql_string(value) }}
    {%- endif -%}
{%- endmacro %}
