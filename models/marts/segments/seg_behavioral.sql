-- One row per contact existing on as_of_date with its behavioral segment (SEGMENTS.md "Behavioral"); the first
-- matching rule wins: never_active, power_user, new, active, at_risk, dormant.
with

behavior as (

    select * from {{ ref('int_contacts__behavior_metrics') }}

),

segmented as (

    select
        contact_id,
        case
            when first_seen_at is null then 'never_active'
            when
                logins_30d >= {{ var('power_user_min_logins_30d') }}
                and core_events_30d >= {{ var('power_user_min_core_events_30d') }} then 'power_user'
            when days_since_first_seen < {{ var('new_user_max_days') }} then 'new'
            when logins_7d > 0 then 'active'
            when logins_30d > 0 then 'at_risk'
            else 'dormant'
        end as behavioral_segment,
        logins_7d,
        logins_30d,
        core_events_30d,
        sessions_30d,
        page_views_30d,
        distinct_features_30d,
        support_tickets_90d,
        first_seen_at,
        last_seen_at,
        days_since_first_seen,
        days_since_last_login
    from behavior

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        case behavioral_segment
            when 'never_active' then 'first_seen_at=null'
            when 'power_user' then {{ explain_all([
                explain_fact('logins_30d', 'logins_30d', rest=' >= ' ~ var('power_user_min_logins_30d')),
                explain_fact('core_events_30d', 'core_events_30d', rest=' >= ' ~ var('power_user_min_core_events_30d')),
            ]) }}
            when 'new' then {{ explain_fact('days_since_first_seen', 'days_since_first_seen', rest=' < ' ~ var('new_user_max_days')) }}
            when 'active' then {{ explain_fact('logins_7d', 'logins_7d', rest=' > 0') }}
            when 'at_risk' then {{ explain_all([
                explain_fact('logins_7d', 'logins_7d'), explain_fact('logins_30d', 'logins_30d', rest=' > 0'),
            ]) }}
            else {{ explain_all([
                explain_fact('logins_30d', 'logins_30d'), explain_fact('days_since_last_login', 'days_since_last_login'),
            ]) }}
        end as behavioral_segment_explanation
    from segmented

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(behavioral_segment as {{ dbt.type_string() }}) as behavioral_segment,
        cast(behavioral_segment_explanation as {{ dbt.type_string() }}) as behavioral_segment_explanation,
        cast(logins_7d as {{ dbt.type_bigint() }}) as logins_7d,
        cast(logins_30d as {{ dbt.type_bigint() }}) as logins_30d,
        cast(core_events_30d as {{ dbt.type_bigint() }}) as core_events_30d,
        cast(sessions_30d as {{ dbt.type_bigint() }}) as sessions_30d,
        cast(page_views_30d as {{ dbt.type_bigint() }}) as page_views_30d,
        cast(distinct_features_30d as {{ dbt.type_bigint() }}) as distinct_features_30d,
        cast(support_tickets_90d as {{ dbt.type_bigint() }}) as support_tickets_90d,
        cast(first_seen_at as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(last_seen_at as {{ dbt.type_timestamp() }}) as last_seen_at,
        cast(days_since_first_seen as {{ dbt.type_int() }}) as days_since_first_seen,
        cast(days_since_last_login as {{ dbt.type_int() }}) as days_since_last_login,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
