-- One row per contact existing on as_of_date with every segmentation side by side, plus its account's
-- firmographic segment: what BI filters on and what the reverse-ETL feed is built from. No email, name,
-- birth date or free-text answer: join the reverse-ETL feed for the CRM match key.
-- The columns come from the segment registry (var segment_registry, docs/registry.md): each model's wide
-- columns, attributes first, then metrics. A contact model joins on contact_id (every contact has a row); an
-- account model on the contact's account_id, with the column's missing value for a contact without one.
{%- set columns = wide_segment_columns() %}
{%- set joined_models = [] %}
{%- set selected = [] %}
{%- set typed = [] %}
{%- for column in columns %}
    {%- if column.model not in joined_models %}{% do joined_models.append(column.model) %}{% endif %}
    {%- set qualified = column.model.mart ~ '.' ~ column.name %}
    {%- if column.model.entity_type == 'account' %}
        {%- do selected.append('coalesce(' ~ qualified ~ ', ' ~ registry_literal(column.missing) ~ ') as ' ~ column.name) %}
    {%- else %}
        {%- do selected.append(qualified) %}
    {%- endif %}
    {%- do typed.append('cast(' ~ column.name ~ ' as ' ~ column.type ~ ') as ' ~ column.name) %}
{%- endfor %}
{%- set joins = [] %}
{%- for model in joined_models %}
    {%- if model.entity_type == 'account' %}
        {%- do joins.append('left join ' ~ model.mart ~ ' on contacts.account_id = ' ~ model.mart ~ '.account_id') %}
    {%- else %}
        {%- do joins.append('inner join ' ~ model.mart ~ ' on contacts.contact_id = ' ~ model.mart ~ '.contact_id') %}
    {%- endif %}
{%- endfor %}

with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),
{% for model in joined_models %}
    {{ model.mart }} as (select * from {{ ref(model.mart) }}),
{% endfor %}
joined as (

    select
        contacts.contact_id,
        contacts.account_id,
        {{ selected | join(',\n        ') }}
    from contacts
    {{ joins | join('\n    ') }}

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        {{ typed | join(',\n        ') }},
        {{ as_of_date() }} as as_of_date
    from joined

)

select * from final
