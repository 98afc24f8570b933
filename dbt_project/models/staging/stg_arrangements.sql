with

checked as (

    select * from {{ ref('base_arrangements') }}

)

select
    arrangement_id,
    customer_id,
    plan_id,
    contact_id,
    created_at,
    kind,
    promised_amount,
    promised_date
from checked
where quarantine_reason is null
