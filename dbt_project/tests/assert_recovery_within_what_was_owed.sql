-- Recovered money never exceeds what was owed on the first overdue day (in the plan's currency,
-- where exchange rates cannot blur it), and the by-day-N recoveries only grow with N.
with recovered_local as (

    select installment_id, sum(recovered_local) as recovered_local
    from {{ ref('int_case_recoveries') }}
    group by installment_id

)

select status.installment_id
from {{ ref('int_delinquent_installments') }} as status
inner join recovered_local on recovered_local.installment_id = status.installment_id
where recovered_local.recovered_local > status.overdue_amount_local + 0.005

union all

select case_id
from {{ ref('fct_collection_cases') }}
where recovered_d5 > recovered_d30 + 1e-9
    or recovered_d30 > recovered_d60 + 1e-9
    or recovered_d60 > recovered_d90 + 1e-9
    or recovered_d90 > recovered_amount + 1e-9
