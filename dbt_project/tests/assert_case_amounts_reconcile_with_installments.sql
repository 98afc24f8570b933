-- A case's overdue and recovered amounts are the sums over its installments: nothing is lost or
-- double-counted between fct_installments and fct_collection_cases. Returns the cases that differ.
with by_installments as (

    select
        case_id,
        sum(overdue_amount) as overdue_amount,
        sum(recovered_amount) as recovered_amount,
        count(*) as installments
    from {{ ref('fct_installments') }}
    where case_id is not null
    group by case_id

)

select cases.case_id
from {{ ref('fct_collection_cases') }} as cases
full outer join by_installments on by_installments.case_id = cases.case_id
where cases.case_id is null
    or by_installments.case_id is null
    or abs(cases.overdue_amount - by_installments.overdue_amount) > 0.01
    or abs(cases.recovered_amount - by_installments.recovered_amount) > 0.01
    or cases.installments_overdue <> by_installments.installments
