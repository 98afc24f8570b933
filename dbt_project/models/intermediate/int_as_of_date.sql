{{ config(materialized='table') }}

{#- "Today" for days past due, open cases and observation windows: the var as_of_date when given,
    else the latest event date in the data, never the wall clock, so rebuilds are identical. Due
    dates are not events (they run into the future). -#}

{% if var('as_of_date', none) %}

select cast('{{ var("as_of_date") }}' as date) as as_of_date

{% else %}

with event_dates as (

    select max(cast(attempted_at as date)) as event_date from {{ ref('stg_payment_attempts') }}
    union all
    select max(cast(sent_at as date)) from {{ ref('stg_contacts') }}
    union all
    select max(cast(created_at as date)) from {{ ref('stg_arrangements') }}
    union all
    select max(cast(escalated_at as date)) from {{ ref('stg_escalations') }}
    union all
    select max(cast(assigned_at as date)) from {{ ref('stg_allocations') }}
    union all
    select max(cast(purchased_at as date)) from {{ ref('stg_plans') }}

)

select max(event_date) as as_of_date
from event_dates

{% endif %}
