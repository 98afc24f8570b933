with

checked as (

    select * from {{ ref('base_plans') }}

)

select
    plan_id,
    customer_id,
    merchant_id,
    purchased_at,
    currency,
    principal_amount,
    plan_type,
    installment_count,
    payment_method
from checked
where quarantine_reason is null
