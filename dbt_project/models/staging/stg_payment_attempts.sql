with

checked as (

    select * from {{ ref('base_payment_attempts') }}

)

select
    attempt_id,
    installment_id,
    attempted_at,
    amount,
    kind,
    status,
    failure_reason
from checked
where quarantine_reason is null
