/**
 * An object a kind's protobuf reader made (kinds/kind.ts `ProtobufForm.read`): already exactly what parseObject would
 * return for its bytes, so parseObject returns it as it is and a LIST sets no kind or apiVersion on it. The class is
 * the mark: a prototype check per object (a WeakSet of such objects cost about a microsecond per pod to fill).
 */
export abstract class ValidatedObject {}
