{#-
    Reading a loader's raw table whose columns appear only once a value was seen (Segment, RudderStack: a property
    or context field never sent has no column). Used by the adapters of models/staging/adapters/<loader>/.
    At parse time (not execute) every name is read as null: the SQL only has to parse.
-#}

{#- The columns a relation has, lower-cased name -> the column (empty when not executing). -#}
{% macro loader_columns(relation) -%}
    {%- set present = {} -%}
    {%- if execute and relation is not none -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do present.update({column.name | lower: column}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(present) }}
{%- endmacro %}

{#- The first of `names` the loader table has, quoted and cast to text, or a text null when it has none of them. -#}
{% macro loader_text(columns, names) -%}
    {%- set names = [names] if names is string else names -%}
    {%- set found = [] -%}
    {%- for name in names if name | lower in columns -%}
        {%- do found.append(columns[name | lower].name) -%}
    {%- endfor -%}
    {%- if found | length == 0 -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif found | length == 1 -%}
        cast({{ adapter.quote(found[0]) }} as {{ dbt.type_string() }})
    {%- else -%}
        coalesce(
            {%- for name in found -%}
                cast({{ adapter.quote(name) }} as {{ dbt.type_string() }}){{ ", " if not loop.last }}
            {%- endfor -%}
        )
    {%- endif -%}
{%- endmacro %}

{#-
    The first of `names` the loader table has as a timestamp (the contract's typed received_at / uuid_ts): a typed
    column as is, a text one parsed (try_parse_timestamp: null when it cannot be read, which the screening then
    falls back from or quarantines), none of them a typed null.
-#}
{% macro first_loader_timestamp(columns, names) -%}
    {%- set names = [names] if names is string else names -%}
    {%- set found = [] -%}
    {%- for name in names if name | lower in columns -%}
        {%- set column = columns[name | lower] -%}
        {%- if column.is_string() -%}
            {%- do found.append(try_parse_timestamp(adapter.quote(column.name))) -%}
        {%- else -%}
            {%- do found.append('cast(' ~ adapter.quote(column.name) ~ ' as ' ~ dbt.type_timestamp() ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if found | length == 0 -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- elif found | length == 1 -%}
        {{ found[0] }}
    {%- else -%}
        coalesce({{ found | join(', ') }})
    {%- endif -%}
{%- endmacro %}
