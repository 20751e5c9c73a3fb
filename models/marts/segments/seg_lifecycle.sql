-- One row per contact existing on as_of_date with its normalized CRM lifecycle stage, its account's current
-- plan and subscription status, and the renewal window (SEGMENTS.md "CRM lifecycle"). days_to_renewal =
-- renewal date - as_of_date; within_30d is 0..30 days, within_60d 31..60, within_90d 61..90 (var
-- renewal_windows_days), later beyond; none without a current, uncanceled subscription renewing on or after
-- as_of_date.
{%- set windows = var('renewal_windows_days') %}

with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

current_subscription as (

    select * from {{ ref('int_accounts__current_subscription') }}

),

joined as (

    select
        contacts.contact_id,
        contacts.lifecycle_stage,
        contacts.owner_name as account_owner,
        current_subscription.plan,
        current_subscription.subscription_status,
        case
            when current_subscription.subscription_status <> 'canceled'
                then {{ dbt.datediff(as_of_date(), 'cast(current_subscription.renews_at as date)', 'day') }}
        end as days_to_renewal
    from contacts
    left join current_subscription
        on contacts.account_id = current_subscription.account_id

),

segmented as (

    select
        *,
        case
            when days_to_renewal is null or days_to_renewal < 0 then 'none'
            {%- for days in windows %}
                when days_to_renewal <= {{ days | int }} then 'within_{{ days | int }}d'
            {%- endfor %}
            else 'later'
        end as renewal_window
    from joined

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        case lifecycle_stage
            when 'other' then 'the CRM lifecycle stage is missing or not in seeds/lifecycle_stage_aliases.csv'
            else {{ dbt.concat(["'the CRM lifecycle stage maps to '", 'lifecycle_stage', "' (seeds/lifecycle_stage_aliases.csv)'"]) }}
        end as lifecycle_stage_explanation
    from segmented

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(lifecycle_stage_explanation as {{ dbt.type_string() }}) as lifecycle_stage_explanation,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(subscription_status as {{ dbt.type_string() }}) as subscription_status,
        cast(renewal_window as {{ dbt.type_string() }}) as renewal_window,
        cast(days_to_renewal as {{ dbt.type_int() }}) as days_to_renewal,
        cast(account_owner as {{ dbt.type_string() }}) as account_owner,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
