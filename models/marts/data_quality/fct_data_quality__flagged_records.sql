-- Records kept by staging that the segments cannot fully use, counted by reason on as_of_date: product events and
-- survey answers that link to no contact, track values that are not numbers, orders and tickets of contacts not in
-- the CRM (deleted, or never loaded), contact and account attributes that were given but could not be understood,
-- and erasure requests that match nobody (no contact, identify or survey answer carries their email or contact id; counted, never the
-- email). Nothing here is lost; it is listed so that someone can fix it at the source.
with

events as (

    select * from {{ ref('int_events__attributed') }}

),

responses as (

    select * from {{ ref('int_responses__as_of') }}

),

contact_emails as (

    select * from {{ ref('int_contacts__emails') }}

),

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

orders as (

    select * from {{ ref('int_orders__as_of') }}

),

tickets as (

    select * from {{ ref('int_tickets__as_of') }}

),

accounts as (

    select * from {{ ref('int_accounts__as_of') }}

),

erased_people as (

    select * from {{ ref('stg_compliance__erased_people') }}

),

-- every kept request has at least one row (its email hash, or the contact id it names)
unmatched_erasure_requests as (

    select erasure_request_id
    from erased_people
    group by erasure_request_id
    having max(case when is_found then 1 else 0 end) = 0

),

flagged as (

    select
        'product_event' as record_type,
        link_status as reason,
        count(*) as row_count
    from events
    where link_status <> 'linked'
    group by link_status

    union all

    select
        'product_event' as record_type,
        'unparseable_event_value' as reason,
        sum(case when has_unparseable_value then 1 else 0 end) as row_count
    from events

    union all

    select
        'survey_answer' as record_type,
        'respondent_not_in_crm' as reason,
        count(*) as row_count
    from responses
    where
        not exists (
            select 1 from contact_emails
            where contact_emails.email = responses.respondent_email
        )

    union all

    select
        'order' as record_type,
        'contact_not_in_crm' as reason,
        count(*) as row_count
    from orders
    where
        not exists (
            select 1 from contacts
            where contacts.contact_id = orders.contact_id
        )

    union all

    select
        'ticket' as record_type,
        'contact_not_in_crm' as reason,
        count(*) as row_count
    from tickets
    where
        not exists (
            select 1 from contacts
            where contacts.contact_id = tickets.contact_id
        )

    union all

    select
        'contact' as record_type,
        'unparseable_birth_date' as reason,
        sum(case when has_unparseable_birth_date then 1 else 0 end) as row_count
    from contacts

    union all

    select
        'contact' as record_type,
        'unparseable_household_income' as reason,
        sum(case when has_unparseable_household_income then 1 else 0 end) as row_count
    from contacts

    union all

    select
        'account' as record_type,
        'unparseable_employee_count' as reason,
        sum(case when has_unparseable_employee_count then 1 else 0 end) as row_count
    from accounts

    union all

    select
        'account' as record_type,
        'unparseable_annual_revenue' as reason,
        sum(case when has_unparseable_annual_revenue then 1 else 0 end) as row_count
    from accounts

    union all

    select
        'contact' as record_type,
        'implausible_age' as reason,
        sum(case when is_implausible_age then 1 else 0 end) as row_count
    from contacts

    union all

    select
        'contact' as record_type,
        'unrecognized_country' as reason,
        sum(case when has_unrecognized_country then 1 else 0 end) as row_count
    from contacts

    union all

    select
        'contact' as record_type,
        'unrecognized_gender' as reason,
        sum(case when has_unrecognized_gender then 1 else 0 end) as row_count
    from contacts

    union all

    select
        'erasure_request' as record_type,
        'erasure_request_matches_nobody' as reason,
        count(*) as row_count
    from unmatched_erasure_requests

),

final as (

    select
        cast(record_type as {{ dbt.type_string() }}) as record_type,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(coalesce(row_count, 0) as {{ dbt.type_bigint() }}) as row_count,
        {{ as_of_date() }} as as_of_date
    from flagged

)

select * from final
