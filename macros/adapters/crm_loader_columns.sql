{#-
    Helpers of the CRM adapters (hubspot, salesforce; docs/adapters.md): read a loader column that may be missing,
    give numeric loader ids one text form, and read HubSpot's epoch-millisecond property values.
-#}

{#- A loader column by name (quoted as the table spells it), or null of `type` when the table lacks it: loaders
    write a property column only once some record had a value. Resolved in execute mode only. `qualifier`
    prefixes the column with a table alias where a join makes the bare name ambiguous. -#}
{% macro crm_loader_column(relation, column_name, type='string', qualifier=none) -%}
    {%- set null_value = 'cast(null as ' ~ (dbt.type_string() if type == 'string' else contract_column_type(type)) ~ ')' -%}
    {%- if not execute -%}
        {{ return(null_value) }}
    {%- endif -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name | lower == column_name | lower -%}
            {{ return((qualifier ~ '.' if qualifier else '') ~ adapter.quote(column.name)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(null_value) }}
{%- endmacro %}

{#- A value as trimmed text, null when blank. Case is kept: Salesforce ids are case-sensitive. -#}
{% macro crm_text(expression) -%}
    nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#-
    A numeric loader id (HubSpot ids are BIGINT; association columns may arrive as DOUBLE 123.0 or as text with
    leading zeros 00123) in one text form: the whole number's digits. A value that is not a whole number stays
    as its trimmed text (then it links to nothing and says so downstream), never silently rounded.
-#}
{% macro crm_numeric_id(expression) -%}
    case
        when {{ try_cast_number(crm_text(expression), 'double') }} is not null
            and {{ try_cast_number(crm_text(expression), 'double') }}
                = floor({{ try_cast_number(crm_text(expression), 'double') }})
            then cast(cast({{ try_cast_number(crm_text(expression), 'double') }} as {{ dbt.type_bigint() }})
                as {{ dbt.type_string() }})
        else {{ crm_text(expression) }}
    end
{%- endmacro %}

{#- Epoch milliseconds (a whole number) to a UTC timestamp without time zone. -#}
{% macro crm_epoch_ms_to_timestamp(expression) -%}
    {{ return(adapter.dispatch('crm_epoch_ms_to_timestamp', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__crm_epoch_ms_to_timestamp(expression) -%}
    cast(to_timestamp(cast({{ expression }} as {{ dbt.type_bigint() }}) / 1000.0) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro duckdb__crm_epoch_ms_to_timestamp(expression) -%}
    epoch_ms(cast({{ expression }} as {{ dbt.type_bigint() }}))
{%- endmacro %}

{% macro spark__crm_epoch_ms_to_timestamp(expression) -%}
    timestamp_millis(cast({{ expression }} as {{ dbt.type_bigint() }}))
{%- endmacro %}

{#-
    A loader time as the contract's text: a typed timestamp or ISO text passes through as text (the screening
    parses it, or quarantines it as unparseable_timestamp with the raw value); a whole number of 11 to 14 digits
    is epoch milliseconds (HubSpot writes date properties that way: 1761998400000) and becomes its UTC time.
-#}
{% macro crm_loader_time(expression) -%}
    case
        when length({{ crm_text(expression) }}) between 11 and 14
            and {{ try_cast_number(crm_text(expression), 'bigint') }} is not null
            then cast({{ crm_epoch_ms_to_timestamp(try_cast_number(crm_text(expression), 'bigint')) }}
                as {{ dbt.type_string() }})
        else {{ crm_text(expression) }}
    end
{%- endmacro %}

{#- A loader boolean column that may be missing (Fivetran's _fivetran_deleted, is_deleted): false when null. -#}
{% macro crm_flag(relation, column_name, qualifier=none) -%}
    coalesce(cast({{ crm_loader_column(relation, column_name, 'boolean', qualifier) }} as {{ dbt.type_boolean() }}), false)
{%- endmacro %}

{#-
    A Salesforce id in its 18-character form. Salesforce ids are case-sensitive in their 15-character form; the
    18-character form appends a checksum of 3 characters, one per 5-character chunk, that encodes which of the
    chunk's characters are upper-case letters (bit i for position i), as an index into A..Z0..5. A 15-character
    id and its 18-character form are the same record; ids differing only in case are different records, so
    nothing here changes case. Any other length is kept as its trimmed text.
-#}
{% macro salesforce_id18(expression) -%}
    {%- set id_text = crm_text(expression) -%}
    {%- set chunks = [] -%}
    {%- for chunk in range(3) -%}
        {%- set bits = [] -%}
        {%- for position in range(5) -%}
            {%- set character = 'substr(' ~ id_text ~ ', ' ~ (chunk * 5 + position + 1) ~ ', 1)' -%}
            {%- do bits.append('case when ' ~ character ~ ' <> lower(' ~ character ~ ') then ' ~ 2 ** position ~ ' else 0 end') -%}
        {%- endfor -%}
        {%- do chunks.append("substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + " ~ bits | join(' + ') ~ ", 1)") -%}
    {%- endfor -%}
    case
        when length({{ id_text }}) = 15 then {{ dbt.concat([id_text] + chunks) }}
        else {{ id_text }}
    end
{%- endmacro %}
