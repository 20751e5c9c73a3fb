{{ config(enabled=raw_adapter_enabled('salesforce', 'contacts')) }}

{%- set contact = source('salesforce', 'contact') %}
{%- set lead = source('salesforce', 'lead') %}
{%- set opportunity = source('salesforce', 'opportunity') %}

with

contact as (

    select * from {{ contact }}

),

lead_rows as (

    select * from {{ lead }}

),

account as (

    select
        {{ salesforce_id18('id') }} as account_id,
        max(cast({{ crm_loader_column(source('salesforce', 'account'), 'type') }} as {{ dbt.type_string() }}))
            as account_type
    from {{ source('salesforce', 'account') }}
    where not is_deleted
    group by {{ salesforce_id18('id') }}

),

open_opportunities as (

    select
        {{ salesforce_id18('account_id') }} as account_id,
        stage_name,
        row_number() over (
            partition by {{ salesforce_id18('account_id') }}
            order by {{ try_parse_timestamp(crm_text('last_modified_date')) }} desc, stage_name asc
        ) as recency_rank
    from {{ opportunity }}
    where not {{ crm_flag(opportunity, 'is_deleted') }} and not {{ crm_flag(opportunity, 'is_closed') }}

),

won as (

    select distinct {{ salesforce_id18('account_id') }} as account_id
    from {{ opportunity }}
    where {{ crm_flag(opportunity, 'is_won') }} and not {{ crm_flag(opportunity, 'is_deleted') }}

),

account_stage as (

    select
        account.account_id,
        case
            when won.account_id is not null then 'Closed Won'
            when lower(account.account_type) like 'customer%' then account.account_type
            when open_opportunities.stage_name is not null then open_opportunities.stage_name
            else account.account_type
        end as lifecycle_stage
    from account
    left join won
        on account.account_id = won.account_id
    left join open_opportunities
        on account.account_id = open_opportunities.account_id and open_opportunities.recency_rank = 1

),

owners as (

    select
        {{ salesforce_id18('id') }} as owner_id,
        max(cast({{ crm_loader_column(source('salesforce', 'user'), 'name') }} as {{ dbt.type_string() }})) as owner_name
    from {{ source('salesforce', 'user') }}
    group by {{ salesforce_id18('id') }}

),

contacts as (

    select
        {{ salesforce_id18('contact.id') }} as id,
        {{ salesforce_id18(crm_loader_column(contact, 'account_id', qualifier='contact')) }} as account_id,
        cast(contact.email as {{ dbt.type_string() }}) as email,
        cast({{ crm_loader_column(contact, 'first_name', qualifier='contact') }} as {{ dbt.type_string() }}) as first_name,
        cast({{ crm_loader_column(contact, 'last_name', qualifier='contact') }} as {{ dbt.type_string() }}) as last_name,
        {{ crm_text(crm_loader_column(contact, 'birthdate', qualifier='contact')) }} as birth_date,
        cast({{ crm_loader_column(contact, 'title', qualifier='contact') }} as {{ dbt.type_string() }}) as job_title,
        cast({{ crm_loader_column(contact, 'mailing_country', qualifier='contact') }} as {{ dbt.type_string() }}) as country,
        cast({{ crm_loader_column(contact, 'mailing_state', qualifier='contact') }} as {{ dbt.type_string() }}) as state,
        cast({{ crm_loader_column(contact, 'mailing_city', qualifier='contact') }} as {{ dbt.type_string() }}) as city,
        account_stage.lifecycle_stage,
        cast({{ crm_loader_column(contact, 'lead_source', qualifier='contact') }} as {{ dbt.type_string() }}) as original_source,
        {{ salesforce_id18(crm_loader_column(contact, 'owner_id', qualifier='contact')) }} as owner_id,
        (
            {{ crm_flag(contact, 'is_deleted', qualifier='contact') }}
            or {{ crm_flag(contact, '_fivetran_deleted', qualifier='contact') }}
        ) as is_deleted,
        {{ crm_loader_time(crm_loader_column(contact, 'created_date', qualifier='contact')) }} as created_at,
        {{ crm_loader_time('contact.last_modified_date') }} as updated_at,
        cast(contact._fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from contact
    left join account_stage
        on {{ salesforce_id18(crm_loader_column(contact, 'account_id', qualifier='contact')) }} = account_stage.account_id

),

-- leads are people too: an unconverted lead is a contact of its own (lifecycle stage from its Lead Status); a
-- converted lead lives on as its contact (converted_contact_id), so its row is marked deleted (deleted_in_crm)
leads as (

    select
        {{ salesforce_id18('id') }} as id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(email as {{ dbt.type_string() }}) as email,
        cast({{ crm_loader_column(lead, 'first_name') }} as {{ dbt.type_string() }}) as first_name,
        cast({{ crm_loader_column(lead, 'last_name') }} as {{ dbt.type_string() }}) as last_name,
        cast(null as {{ dbt.type_string() }}) as birth_date,
        cast({{ crm_loader_column(lead, 'title') }} as {{ dbt.type_string() }}) as job_title,
        cast({{ crm_loader_column(lead, 'country') }} as {{ dbt.type_string() }}) as country,
        cast({{ crm_loader_column(lead, 'state') }} as {{ dbt.type_string() }}) as state,
        cast({{ crm_loader_column(lead, 'city') }} as {{ dbt.type_string() }}) as city,
        cast({{ crm_loader_column(lead, 'status') }} as {{ dbt.type_string() }}) as lifecycle_stage,
        cast({{ crm_loader_column(lead, 'lead_source') }} as {{ dbt.type_string() }}) as original_source,
        {{ salesforce_id18(crm_loader_column(lead, 'owner_id')) }} as owner_id,
        (
            {{ crm_flag(lead, 'is_deleted') }} or {{ crm_flag(lead, '_fivetran_deleted') }}
            or {{ crm_flag(lead, 'is_converted') }}
            or {{ crm_text(crm_loader_column(lead, 'converted_contact_id')) }} is not null
        ) as is_deleted,
        {{ crm_loader_time(crm_loader_column(lead, 'created_date')) }} as created_at,
        {{ crm_loader_time('last_modified_date') }} as updated_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from lead_rows

),

people as (

    select * from contacts
    union all
    select * from leads

),

mapped as (

    select
        people.id,
        people.account_id,
        people.email,
        people.first_name,
        people.last_name,
        people.birth_date,
        cast(null as {{ dbt.type_string() }}) as gender,
        cast(null as {{ type_double() }}) as household_income,
        cast(null as {{ dbt.type_string() }}) as education,
        cast(null as {{ dbt.type_string() }}) as marital_status,
        people.job_title,
        cast(null as {{ dbt.type_string() }}) as seniority,
        cast(null as {{ dbt.type_string() }}) as language,
        people.country,
        people.state,
        people.city,
        cast(null as {{ dbt.type_string() }}) as timezone,
        people.lifecycle_stage,
        people.original_source,
        owners.owner_name,
        people.is_deleted,
        people.created_at,
        people.updated_at,
        people._loaded_at
    from people
    left join owners
        on people.owner_id = owners.owner_id

)

select * from mapped
