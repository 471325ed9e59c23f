import { Field, Int, ObjectType } from "type-graphql";
import { CalendarDateScalar } from "../scalars.js";
import { Employee } from "./employee.js";

@ObjectType({ description: "One value of the groupBy attribute and its counts.", simpleResolvers: true })
export class SurveyPopulationGroup {
  @Field(() => String, {
    nullable: true,
    description: "Null: employees without a value. For an EMPLOYEE attribute, the referenced person's name.",
  })
  value!: string | null;
  @Field(() => Int) surveyable!: number;
  @Field(() => Int) joining!: number;
  @Field(() => Int) leaving!: number;
}

@ObjectType({
  description: "Who is surveyable on a date, and who joins or leaves the surveyed population between today and then.",
  simpleResolvers: true,
})
export class SurveyPopulation {
  @Field(() => CalendarDateScalar) on!: string;
  @Field(() => Int, { description: "Surveyable on that date, as the directory stands now." }) surveyable!: number;
  @Field(() => [Employee], {
    description: "Not surveyable today, surveyable on that date (future hires starting), by start date.",
  })
  joining!: Employee[];
  @Field(() => [Employee], {
    description: "Surveyable today, not on that date (their separation date passes), by separation date.",
  })
  leaving!: Employee[];
  @Field(() => [SurveyPopulationGroup], {
    description: "One per value of the groupBy attribute (null value last); empty without groupBy.",
  })
  groups!: SurveyPopulationGroup[];
}

@ObjectType({ simpleResolvers: true })
export class SurveyImpactEmployee {
  @Field(() => String) bobEmployeeId!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => Boolean, { description: "False: stops being surveyable." }) becomesSurveyable!: boolean;
}

@ObjectType({
  description: "How a run's plan changes today's surveyable population (dry runs and HELD runs included).",
})
export class SurveyImpact {
  @Field(() => Int) becomesSurveyable!: number;
  @Field(() => Int) stopsBeingSurveyable!: number;
  // employees(first:) is resolved in SurveyImpactResolver, from all the employees the run stored.
  allEmployees!: SurveyImpactEmployee[];
}
