/**
 * src/collect/proto/*.proto copy a part of Kubernetes' protobuf schema by hand. This checks every message and field
 * there against the upstream generated.proto files of the k8s.io/api and k8s.io/apimachinery versions this module
 * pins (the API server the cluster tests run), read from the Go module cache.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { clusterModuleDir, inCi } from './harness/binaries.js';

/** The module directories, or why they cannot be had (no Go). */
function moduleDirs(): { api: string; apimachinery: string } | string {
  try {
    const dirs = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'k8s.io/api', 'k8s.io/apimachinery'], {
      cwd: clusterModuleDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .trim()
      .split('\n');
    if (dirs.length !== 2 || dirs.some((dir) => dir === '')) return `go list gave ${JSON.stringify(dirs)}`;
    return { api: dirs[0]!, apimachinery: dirs[1]! };
  } catch (error) {
    return `the Go module cache is not available (${(error as Error).message.split('\n')[0]})`;
  }
}

interface FieldShape {
  id: number;
  type: string;
  rule: string | undefined;
  keyType: string | undefined;
}

/** message full name -> field name -> shape, for every message of `files`. */
function messages(files: string[]): Map<string, Map<string, FieldShape>> {
  const out = new Map<string, Map<string, FieldShape>>();
  for (const file of files) {
    const { root } = protobuf.parse(readFileSync(file, 'utf8'), { keepCase: true });
    const visit = (namespace: protobuf.NamespaceBase): void => {
      for (const nested of namespace.nestedArray) {
        if (nested instanceof protobuf.Type) {
          const fields = new Map<string, FieldShape>();
          for (const field of nested.fieldsArray) {
            fields.set(field.name, { id: field.id, type: field.type, rule: field.rule, keyType: field instanceof protobuf.MapField ? field.keyType : undefined });
          }
          out.set(nested.fullName, fields);
        }
        if (nested instanceof protobuf.Namespace) visit(nested);
      }
    };
    visit(root);
  }
  return out;
}

const found = moduleDirs();
const skip = typeof found === 'string' && !inCi() ? found : false;

describe('src/collect/proto against the upstream Kubernetes schema', { skip }, () => {
  it('has every message and field with the upstream name, number, type and label', () => {
    if (typeof found === 'string') throw new Error(found);
    const ours = messages(['runtime', 'resource', 'meta', 'core'].map((name) => join(clusterModuleDir, '..', '..', 'src', 'collect', 'proto', `${name}.proto`)));
    const upstream = messages([
      join(found.apimachinery, 'pkg', 'runtime', 'generated.proto'),
      join(found.apimachinery, 'pkg', 'api', 'resource', 'generated.proto'),
      join(found.apimachinery, 'pkg', 'apis', 'meta', 'v1', 'generated.proto'),
      join(found.api, 'core', 'v1', 'generated.proto'),
    ]);
    let fields = 0;
    for (const [message, ourFields] of ours) {
      const theirs = upstream.get(message);
      assert.ok(theirs, `${message} is not an upstream message`);
      for (const [name, shape] of ourFields) {
        assert.deepEqual(shape, theirs.get(name), `${message}.${name}`);
        fields++;
      }
    }
    // Every file and message is read (a mistyped path would compare nothing).
    assert.deepEqual([ours.size, fields], [35, 96]);
  });
});
