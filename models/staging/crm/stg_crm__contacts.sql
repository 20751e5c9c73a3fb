with

contacts as (

    select * from {{ ref('base_crm__contacts') }}
    where quarantine_reason is null

),

country_lookup as (

    select * from {{ ref('base_reference__country_lookup') }}

),

gender_lookup as (

    {{ alias_lookup('gender_aliases', 'gender') }}

),

lifecycle_lookup as (

    {{ alias_lookup('lifecycle_stage_aliases', 'lifecycle_stage') }}

),

cleaned as (

    select
        contacts.record_id as contact_id,
        contacts.account_id,
        contacts.email,
        contacts.first_name,
        contacts.last_name,
        contacts.birth_date,
        contacts.birth_date_raw is not null and contacts.birth_date is null as has_unparseable_birth_date,
        coalesce(gender_lookup.gender, 'undisclosed') as gender,
        contacts.gender_key is not null and gender_lookup.gender is null as has_unrecognized_gender,
        case when contacts.household_income >= 0 then contacts.household_income end as household_income,
        contacts.household_income_raw is not null and contacts.household_income is null
            as has_unparseable_household_income,
        contacts.education,
        contacts.marital_status,
        contacts.job_title,
        contacts.seniority,
        contacts.preferred_language,
        country_lookup.country_code,
        contacts.country_key is not null and country_lookup.country_code is null as has_unrecognized_country,
        contacts.state,
        contacts.city,
        contacts.timezone,
        coalesce(lifecycle_lookup.lifecycle_stage, 'other') as lifecycle_stage,
        contacts.original_source,
        contacts.owner_name,
        contacts.created_at,
        contacts.updated_at,
        contacts.loaded_at
    from contacts
    left join country_lookup
        on contacts.country_key = country_lookup.lookup_key
    left join gender_lookup
        on contacts.gender_key = gender_lookup.lookup_key
    left join lifecycle_lookup
        on contacts.lifecycle_stage_key = lifecycle_lookup.lookup_key

)

select * from cleaned
