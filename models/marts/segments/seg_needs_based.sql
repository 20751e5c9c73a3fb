-- One row per contact existing on as_of_date with the needs flags of SEGMENTS.md "Needs-based"; needs_segment
-- is the first true flag in the order needs_support, needs_onboarding, invoice_not_sent, upsell_ready, else
-- self_sufficient. The plan is the contact's account's current plan; a contact without a known plan is never
-- upsell_ready ("a plan below the top tier" needs a plan).
{%- set top_tier_rank = var('plan_tiers') | length %}

with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

behavior as (

    select * from {{ ref('int_contacts__behavior_metrics') }}

),

survey_profile as (

    select * from {{ ref('int_contacts__survey_profile') }}

),

invoice_activity as (

    select * from {{ ref('int_contacts__invoice_activity') }}

),

current_subscription as (

    select * from {{ ref('int_accounts__current_subscription') }}

),

inputs as (

    select
        contacts.contact_id,
        behavior.support_tickets_30d,
        behavior.days_since_first_seen,
        behavior.core_events_total,
        behavior.reports_created_total,
        survey_profile.csat_score,
        coalesce(survey_profile.wants_guided_onboarding, false) as wants_guided_onboarding,
        coalesce(invoice_activity.invoices_created_in_window, 0) as invoices_created_30d,
        coalesce(invoice_activity.invoices_sent_since_first_created, 0) as invoices_sent_since_first_created,
        current_subscription.plan,
        current_subscription.plan_tier_rank
    from contacts
    inner join behavior
        on contacts.contact_id = behavior.contact_id
    left join survey_profile
        on contacts.contact_id = survey_profile.contact_id
    left join invoice_activity
        on contacts.contact_id = invoice_activity.contact_id
    left join current_subscription
        on contacts.account_id = current_subscription.account_id

),

flagged as (

    select
        *,
        (
            support_tickets_30d >= {{ var('support_ticket_threshold') }}
            or coalesce(csat_score < {{ var('csat_neutral_min') }}, false)
        ) as needs_support,
        (
            coalesce(days_since_first_seen < {{ var('onboarding_window_days') }} and core_events_total = 0, false)
            or wants_guided_onboarding
        ) as needs_onboarding,
        (invoices_created_30d > 0 and invoices_sent_since_first_created = 0) as invoice_not_sent,
        coalesce(
            reports_created_total >= {{ var('usage_limit_reports') }} and plan_tier_rank < {{ top_tier_rank }}, false
        ) as upsell_ready
    from inputs

),

segmented as (

    select
        *,
        case
            when needs_support then 'needs_support'
            when needs_onboarding then 'needs_onboarding'
            when invoice_not_sent then 'invoice_not_sent'
            when upsell_ready then 'upsell_ready'
            else 'self_sufficient'
        end as needs_segment
    from flagged

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        case needs_segment
            when 'needs_support' then {{ explain_all([
                "case when support_tickets_30d >= " ~ var('support_ticket_threshold') ~ " then "
                ~ explain_fact('support_tickets_30d', 'support_tickets_30d', rest=' >= ' ~ var('support_ticket_threshold')) ~ " end",
                "case when csat_score < " ~ var('csat_neutral_min') ~ " then "
                ~ explain_fact('csat_score', 'csat_score', rest=' < ' ~ var('csat_neutral_min')) ~ " end",
            ]) }}
            when 'needs_onboarding' then {{ explain_all([
                "case when wants_guided_onboarding then 'wants_guided_onboarding=true' end",
                "case when days_since_first_seen < " ~ var('onboarding_window_days') ~ " and core_events_total = 0 then "
                ~ explain_all([
                    explain_fact('days_since_first_seen', 'days_since_first_seen', rest=' < ' ~ var('onboarding_window_days')),
                    explain_fact('core_events_total', 'core_events_total'),
                ]) ~ " end",
            ]) }}
            when 'invoice_not_sent' then {{ explain_all([
                explain_fact('invoices_created_30d', 'invoices_created_30d', rest=' > 0'),
                explain_fact('invoices_sent_since_first_created', 'invoices_sent_since_first_created'),
            ]) }}
            when 'upsell_ready' then {{ explain_all([
                explain_fact('reports_created_total', 'reports_created_total', rest=' >= ' ~ var('usage_limit_reports')),
                explain_fact('plan', 'plan', kind='text', rest=' (below the top tier)'),
            ]) }}
            else {{ explain_all([
                explain_fact('support_tickets_30d', 'support_tickets_30d'), explain_fact('csat_score', 'csat_score'),
                explain_fact('core_events_total', 'core_events_total'), explain_fact('invoices_created_30d', 'invoices_created_30d'),
                explain_fact('reports_created_total', 'reports_created_total'),
            ]) }}
        end as needs_segment_explanation
    from segmented

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(needs_segment as {{ dbt.type_string() }}) as needs_segment,
        cast(needs_segment_explanation as {{ dbt.type_string() }}) as needs_segment_explanation,
        cast(needs_support as {{ dbt.type_boolean() }}) as needs_support,
        cast(needs_onboarding as {{ dbt.type_boolean() }}) as needs_onboarding,
        cast(invoice_not_sent as {{ dbt.type_boolean() }}) as invoice_not_sent,
        cast(upsell_ready as {{ dbt.type_boolean() }}) as upsell_ready,
        cast(support_tickets_30d as {{ dbt.type_bigint() }}) as support_tickets_30d,
        cast(csat_score as {{ dbt.type_int() }}) as csat_score,
        cast(wants_guided_onboarding as {{ dbt.type_boolean() }}) as wants_guided_onboarding,
        cast(days_since_first_seen as {{ dbt.type_int() }}) as days_since_first_seen,
        cast(core_events_total as {{ dbt.type_bigint() }}) as core_events_total,
        cast(invoices_created_30d as {{ dbt.type_bigint() }}) as invoices_created_30d,
        cast(invoices_sent_since_first_created as {{ dbt.type_bigint() }}) as invoices_sent_since_first_created,
        cast(reports_created_total as {{ dbt.type_bigint() }}) as reports_created_total,
        cast(plan as {{ dbt.type_string() }}) as plan,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
