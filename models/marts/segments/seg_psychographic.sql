-- One row per contact existing on as_of_date with NPS and CSAT categories from the latest answers up to
-- as_of_date (SEGMENTS.md "Psychographic"), and the latest choice answers to the profile questions.
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

survey_profile as (

    select * from {{ ref('int_contacts__survey_profile') }}

),

segmented as (

    select
        contacts.contact_id,
        case
            when survey_profile.nps_score is null then 'no_response'
            when survey_profile.nps_score >= {{ var('nps_promoter_min') }} then 'promoter'
            when survey_profile.nps_score >= {{ var('nps_passive_min') }} then 'passive'
            else 'detractor'
        end as nps_category,
        case
            when survey_profile.csat_score is null then 'no_response'
            when survey_profile.csat_score >= {{ var('csat_satisfied_min') }} then 'satisfied'
            when survey_profile.csat_score >= {{ var('csat_neutral_min') }} then 'neutral'
            else 'dissatisfied'
        end as csat_category,
        survey_profile.nps_score,
        survey_profile.csat_score,
        survey_profile.primary_motivation,
        survey_profile.interests,
        survey_profile.personal_values,
        survey_profile.personality
    from contacts
    left join survey_profile
        on contacts.contact_id = survey_profile.contact_id

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        case nps_category
            when 'no_response' then 'nps_score=null'
            when 'promoter' then {{ explain_fact('nps_score', 'nps_score', rest=' >= ' ~ var('nps_promoter_min')) }}
            when 'passive' then {{ explain_fact('nps_score', 'nps_score', rest=' >= ' ~ var('nps_passive_min')) }}
            else {{ explain_fact('nps_score', 'nps_score', rest=' < ' ~ var('nps_passive_min')) }}
        end as nps_category_explanation
    from segmented

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(nps_category as {{ dbt.type_string() }}) as nps_category,
        cast(nps_category_explanation as {{ dbt.type_string() }}) as nps_category_explanation,
        cast(nps_score as {{ dbt.type_int() }}) as nps_score,
        cast(csat_score as {{ dbt.type_int() }}) as csat_score,
        cast(csat_category as {{ dbt.type_string() }}) as csat_category,
        cast(primary_motivation as {{ dbt.type_string() }}) as primary_motivation,
        cast(interests as {{ dbt.type_string() }}) as interests,
        cast(personal_values as {{ dbt.type_string() }}) as personal_values,
        cast(personality as {{ dbt.type_string() }}) as personality,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
