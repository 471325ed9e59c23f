import { Field, ID, InputType, ObjectType } from "type-graphql";
import { AttributeType } from "./enums.js";

@ObjectType({ description: "A Peakon attribute: a standard one or one an admin created.", simpleResolvers: true })
export class Attribute {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => AttributeType)
  type!: AttributeType;

  @Field(() => Boolean, { description: "One of Peakon's standard attributes." })
  standard!: boolean;
}

@InputType()
export class CreateAttributeInput {
  @Field(() => String, { description: "Unique per company (trimmed, case-insensitive); at most 128 characters." })
  name!: string;

  @Field(() => AttributeType)
  type!: AttributeType;
}
