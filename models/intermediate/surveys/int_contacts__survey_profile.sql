-- One row per contact with a survey answer: the latest answer to each question side by side. Choice answers
-- are lower-cased and trimmed; nps_score and csat_score are whole numbers within their scales (staging
-- quarantined the rest).
with

latest_answers as (

    select * from {{ ref('int_contacts__latest_survey_answers') }}

),

pivoted as (

    select
        contact_id,
        max(case when question_id = 'nps' then score end) as nps_score,
        max(case when question_id = 'nps' then submitted_at end) as nps_answered_at,
        max(case when question_id = 'csat' then score end) as csat_score,
        max(case when question_id = 'csat' then submitted_at end) as csat_answered_at,
        max(case when question_id = 'primary_motivation' then lower(answer_text) end) as primary_motivation,
        max(case when question_id = 'interests' then lower(answer_text) end) as interests,
        max(case when question_id = 'values' then lower(answer_text) end) as personal_values,
        max(case when question_id = 'personality' then lower(answer_text) end) as personality,
        max(case when question_id = 'must_have_features' then lower(answer_text) end) as must_have_features,
        max(case when question_id = 'service_needs' then lower(answer_text) end) as service_needs
    from latest_answers
    group by contact_id

),

flagged as (

    select
        *,
        coalesce(service_needs in {{ sql_string_list(var('guided_onboarding_answers')) }}, false)
            as wants_guided_onboarding
    from pivoted

)

select * from flagged
