-- Events per contact, day, device type, browser, OS and geo country in the last 90 days to as_of_date: the
-- compact input of the "most frequent value in the last N days" rules (technographic devices, var
-- tech_event_window_days; geographic fallback country, var geo_event_window_days). It keeps the longer of the two
-- windows and no older day, so its cost follows the window, not the years of history. Incremental: only the
-- contacts whose events in the window changed are recomputed; days that leave the window are deleted (see the
-- model's YAML description).
-- depends_on: {{ ref('int_contacts__event_fingerprints') }}
with

events as (

    select * from {{ ref('int_events__attributed') }}
    where
        contact_id is not null
        and activity_date >= {{ window_start(event_context_window_days()) }}

),

{% if is_incremental() %}
{{ changed_contacts_ctes(
    'events',
    figure='context',
    stored_where='activity_date >= ' ~ window_start(event_context_window_days())
) }},
{% endif %}

daily_context as (

    select
        contact_id,
        activity_date,
        device_type,
        browser_name,
        os_name,
        country_code,
        count(*) as events,
        {{ bit_xor_agg(event_context_fingerprint()) }} as event_fingerprint
    from events
    {% if is_incremental() %}
        where contact_id in (select changed_contacts.contact_id from changed_contacts)
    {% endif %}
    group by contact_id, activity_date, device_type, browser_name, os_name, country_code

)

select * from daily_context
{% if is_incremental() %}
    -- a tombstone per contact left with no event in the window: delete+insert removes its stored rows, the
    -- post-hook removes the tombstone and the days that left the window
    union all
    select
        contact_id,
        null as activity_date,
        null as device_type,
        null as browser_name,
        null as os_name,
        null as country_code,
        null as events,
        null as event_fingerprint
    from vanished_contacts
{% endif %}
