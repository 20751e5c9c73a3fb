-- Every product event (tracks and pages) up to the end of as_of_date, attributed to a user (directly or through
-- its anonymous id) and to a CRM contact. Events that link to no contact are kept with link_status saying why;
-- they are counted in data quality and ignored by the per-contact metrics.
with

tracks as (

    select * from {{ ref('stg_product__tracks') }}
    where occurred_at < {{ as_of_end_timestamp() }}

),

pages as (

    select * from {{ ref('stg_product__pages') }}
    where occurred_at < {{ as_of_end_timestamp() }}

),

anonymous_to_users as (

    select * from {{ ref('int_product__anonymous_to_users') }}

),

users_to_contacts as (

    select * from {{ ref('int_product__users_to_contacts') }}

),

events as (

    select
        event_id,
        cast('track' as {{ dbt.type_string() }}) as event_type,
        event_name,
        feature,
        event_value,
        has_unparseable_value,
        cast(null as {{ dbt.type_string() }}) as page_path,
        user_id,
        anonymous_id,
        occurred_at,
        device_type,
        os_name,
        browser_name,
        country_code
    from tracks

    union all

    select
        event_id,
        cast('page' as {{ dbt.type_string() }}) as event_type,
        cast('page_viewed' as {{ dbt.type_string() }}) as event_name,
        cast(null as {{ dbt.type_string() }}) as feature,
        cast(null as {{ type_double() }}) as event_value,
        false as has_unparseable_value,
        page_path,
        user_id,
        anonymous_id,
        occurred_at,
        device_type,
        os_name,
        browser_name,
        country_code
    from pages

),

attributed as (

    select
        events.event_id,
        events.event_type,
        events.event_name,
        events.feature,
        events.event_value,
        events.has_unparseable_value,
        events.page_path,
        coalesce(events.user_id, anonymous_to_users.user_id) as resolved_user_id,
        users_to_contacts.contact_id,
        case
            when users_to_contacts.contact_id is not null then 'linked'
            when events.user_id is null and anonymous_to_users.user_id is null then 'anonymous_never_identified'
            when users_to_contacts.user_id is null then 'user_never_identified'
            else 'user_not_in_crm'
        end as link_status,
        events.occurred_at,
        cast(events.occurred_at as date) as activity_date,
        events.device_type,
        events.os_name,
        events.browser_name,
        events.country_code
    from events
    left join anonymous_to_users
        on
            events.user_id is null
            and events.anonymous_id = anonymous_to_users.anonymous_id
    left join users_to_contacts
        on coalesce(events.user_id, anonymous_to_users.user_id) = users_to_contacts.user_id

)

select * from attributed
