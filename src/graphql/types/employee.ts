import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { CalendarDateScalar } from "../scalars.js";
import { Attribute } from "./attribute.js";
import { PageInfo } from "./sync.js";

export enum Lifecycle {
  PRE_HIRE = "PRE_HIRE",
  ACTIVE = "ACTIVE",
  LEAVING = "LEAVING",
  LEFT = "LEFT",
}
registerEnumType(Lifecycle, {
  name: "Lifecycle",
  valuesConfig: {
    PRE_HIRE: { description: "Start date in the future." },
    LEAVING: { description: "Separation date set, today or later: the separation date is the last day of employment." },
    LEFT: { description: "Separation date passed: from the day after it." },
  },
});

@ObjectType({ simpleResolvers: true })
export class AttributeValue {
  @Field(() => Attribute) attribute!: Attribute;
  @Field(() => String, {
    nullable: true,
    description: "For EMPLOYEE attributes: the referenced employee's Employee.id (null when not in the directory).",
  })
  value!: string | null;
  // Resolved with the value by EmployeeResolver.attributes (batched per request).
  @Field(() => Employee, { nullable: true, description: "For EMPLOYEE attributes: the referenced employee." })
  employee!: Employee | null;
}

@ObjectType({ description: "An employee of the company's Peakon directory.", simpleResolvers: true })
export class Employee {
  @Field(() => ID) id!: string;
  @Field(() => String) bobId!: string;
  @Field(() => String, { nullable: true }) employeeNumber!: string | null;
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => CalendarDateScalar, { nullable: true }) startDate!: string | null;
  @Field(() => CalendarDateScalar, { nullable: true }) birthDate!: string | null;
  @Field(() => CalendarDateScalar, { nullable: true }) separationDate!: string | null;
  @Field(() => String, { nullable: true }) separationReason!: string | null;
  // manager, tenureMonths, lifecycle, surveyable and attributes are resolved in EmployeeResolver.
}

@ObjectType({ simpleResolvers: true })
export class EmployeeEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Employee) node!: Employee;
}

@ObjectType({ simpleResolvers: true })
export class EmployeeConnection {
  @Field(() => [EmployeeEdge]) edges!: EmployeeEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
