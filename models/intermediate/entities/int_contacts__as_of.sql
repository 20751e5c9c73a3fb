-- The contacts that exist on as_of_date: live in the CRM (not deleted, not erased) and created by the end of it.
-- A contact without a creation time is taken to exist. Every per-contact mart has exactly these rows.
-- Their age on as_of_date from the birth date; outside var min/max_plausible_age (13..120) it is implausible:
-- age null, is_implausible_age true (seg_demographic's age band is unknown; counted in data quality).
with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

existing as (

    select *
    from contacts
    where created_at is null or created_at < {{ as_of_end_timestamp() }}

),

aged as (

    select
        *,
        {{ age_at_as_of('birth_date') }} as birth_date_age
    from existing

),

checked as (

    select
        *,
        coalesce(
            birth_date_age < {{ var('min_plausible_age') }} or birth_date_age > {{ var('max_plausible_age') }}, false
        ) as is_implausible_age
    from aged

),

final as (

    select
        *,
        case when not is_implausible_age then birth_date_age end as age
    from checked

)

select * from final
