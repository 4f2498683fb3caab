import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryFromDumpFile } from '../../../src/collect/dump.js';
import { draEnvironment, celDevice } from '../../../src/inventory/dra/cel-environment.js';
import { matchDeviceClasses } from '../../../src/inventory/dra/device-classes.js';
import { readPools } from '../../../src/inventory/dra/pools.js';
import type { DeviceClassFacts, DeviceFacts } from '../../../src/inventory/dra/types.js';
import { parseQuantity as q } from '../../../src/quantity.js';

const cluster = new URL('../../fixtures/dra/nvidia-cluster.json', import.meta.url).pathname;
const classesFile = new URL('../../fixtures/dra/nvidia-device-classes.yaml', import.meta.url).pathname;

async function classesOnCluster(): Promise<ReturnType<typeof matchDeviceClasses>> {
  const [inventory, classes] = await Promise.all([inventoryFromDumpFile(cluster), inventoryFromDumpFile(classesFile)]);
  return matchDeviceClasses(classes.deviceClasses ?? [], readPools(inventory.resourceSlices ?? []).complete);
}

const device = (over: Partial<DeviceFacts>): DeviceFacts => ({
  name: 'gpu-0',
  attributes: {},
  capacity: {},
  consumesCounters: [],
  allowMultipleAllocations: false,
  nodeName: null,
  nodeSelector: null,
  allNodes: false,
  taints: [],
  ...over,
});

/** One selector on one device of driver gpu.nvidia.com, through the same environment the classes use. */
function evaluate(expression: string, d: DeviceFacts = device({})): unknown {
  return draEnvironment().evaluate(expression, { device: celDevice('gpu.nvidia.com', d) });
}

describe('DeviceClass CEL selectors (the NVIDIA DRA driver classes on its devices)', () => {
  it('select whole GPUs and MIG devices by the chart classes, and nothing for classes whose devices are absent', async () => {
    const { members } = await classesOnCluster();
    const of = (name: string): string[] => [...(members.get(name) ?? [])];
    assert.deepEqual(of('gpu.nvidia.com'), ['gpu.nvidia.com/dra-h100-0/gpu-0', 'gpu.nvidia.com/dra-h100-0/gpu-1', 'gpu.nvidia.com/dra-h100-1/gpu-0']);
    assert.deepEqual(of('mig.nvidia.com'), [
      'gpu.nvidia.com/dra-h100-1/gpu-0-mig-3g40gb-2-0',
      'gpu.nvidia.com/dra-h100-1/gpu-0-mig-3g40gb-1-4',
      'gpu.nvidia.com/dra-h100-1/gpu-0-mig-1g10gb-9-0',
    ]);
    for (const none of ['vfio.gpu.nvidia.com', 'compute-domain-daemon.nvidia.com', 'compute-domain-default-channel.nvidia.com', 'mig-1g.12gb.nvidia.com', 'a100-even-index']) {
      assert.deepEqual(of(none), [], none);
    }
  });

  it('compare capacities as exact quantities (isLessThan, isGreaterThan, compareTo) and versions as semver', async () => {
    const { members } = await classesOnCluster();
    const of = (name: string): string[] => [...(members.get(name) ?? [])];
    assert.deepEqual(of('small-mig'), ['gpu.nvidia.com/dra-h100-1/gpu-0-mig-1g10gb-9-0']);
    assert.deepEqual(of('large-mig'), ['gpu.nvidia.com/dra-h100-1/gpu-0-mig-3g40gb-2-0', 'gpu.nvidia.com/dra-h100-1/gpu-0-mig-3g40gb-1-4']);
    assert.deepEqual(of('mig-40gi-or-more'), ['gpu.nvidia.com/dra-h100-1/gpu-0-mig-3g40gb-2-0', 'gpu.nvidia.com/dra-h100-1/gpu-0-mig-3g40gb-1-4']);
    // Driver 570.124.6 on every fixture GPU, compute capability 9.0.0.
    assert.deepEqual(of('hopper-with-recent-driver'), ['gpu.nvidia.com/dra-h100-0/gpu-0', 'gpu.nvidia.com/dra-h100-0/gpu-1', 'gpu.nvidia.com/dra-h100-1/gpu-0']);
  });

  it('count no device for a runtime error (a capacity the device lacks) and none for an unsupported function, each with a warning', async () => {
    const { members, unsupported, warnings } = await classesOnCluster();
    assert.deepEqual([...(members.get('large-mig-unguarded') ?? [])], ['gpu.nvidia.com/dra-h100-1/gpu-0-mig-3g40gb-2-0', 'gpu.nvidia.com/dra-h100-1/gpu-0-mig-3g40gb-1-4']);
    assert.deepEqual([...(members.get('float-memory') ?? [])], []);
    assert.deepEqual([...unsupported], ['float-memory']);
    assert.equal(warnings.length, 2);
    assert.match(
      warnings[0] as string,
      /^DeviceClass float-memory: selector "device\.capacity\['gpu\.nvidia\.com'\]\.memory\.asApproximateFloat\(\) > 1e10" cannot be evaluated by quotaplan \(.*asApproximateFloat.*\); no device is counted for this class$/,
    );
    assert.match(
      warnings[1] as string,
      /^DeviceClass large-mig-unguarded: selector "device\.capacity\['gpu\.nvidia\.com'\]\.multiprocessors\.isGreaterThan\(quantity\(\\"50\\"\)\)\\n" failed on 3 device\(s\) \(first gpu\.nvidia\.com\/dra-h100-0\/gpu-0: .*multiprocessors.*\); the scheduler cannot allocate them through this class, they are not counted for it$/,
    );
  });

  it('select every device when a class has no selector (as the allocator does)', () => {
    const everything: DeviceClassFacts = { name: 'any', selectors: [], extendedResourceName: null };
    const pool = { driver: 'x.example.com', name: 'n', generation: 0, slices: [{ name: 's', driver: 'x.example.com', pool: { name: 'n', generation: 0, resourceSliceCount: 1 }, nodeName: 'n', nodeSelector: null, allNodes: false, perDeviceNodeSelection: false, sharedCounters: [], devices: [device({ name: 'a' }), device({ name: 'b' })] }] };
    assert.deepEqual([...(matchDeviceClasses([everything], [pool]).members.get('any') ?? [])], ['x.example.com/n/a', 'x.example.com/n/b']);
  });
});

describe('the DRA CEL environment (Kubernetes quantity and semver libraries)', () => {
  it('reads attributes under the driver domain unless qualified, and an unknown domain as an empty map', () => {
    const d = device({ attributes: { type: { string: 'gpu' }, index: { int: 3 }, 'resource.kubernetes.io/pciBusID': { string: '0000:18:00.0' } } });
    assert.equal(evaluate("device.attributes['gpu.nvidia.com'].type == 'gpu' && device.attributes['gpu.nvidia.com'].index == 3", d), true);
    assert.equal(evaluate("device.attributes['resource.kubernetes.io'].pciBusID", d), '0000:18:00.0');
    assert.equal(evaluate("size(device.attributes['other.example.com'])", d), 0n);
    assert.equal(evaluate("'type' in device.attributes['gpu.nvidia.com']", d), true);
    assert.equal(evaluate("device.driver == 'gpu.nvidia.com' && !device.allowMultipleAllocations", d), true);
    assert.equal(evaluate('device.allowMultipleAllocations', device({ allowMultipleAllocations: true })), true);
    assert.equal(evaluate("'type' in device.attributes['other.example.com']", d), false);
    // The library's has() takes only a chain of fields from a variable, not an index: not evaluated (a warning).
    assert.throws(() => evaluate("has(device.attributes['gpu.nvidia.com'].type)", d), /has\(\) invalid argument/);
    assert.throws(() => evaluate("device.attributes['other.example.com'].type == 'gpu'", d), /type/);
  });

  it('refuses membership in device.attributes itself (an unknown domain reads as an empty map, yet is not a member in Kubernetes)', () => {
    const classes: DeviceClassFacts[] = [
      { name: 'outer', selectors: ["'gpu.nvidia.com' in device.attributes"], extendedResourceName: null },
      { name: 'inner', selectors: ["'type' in device.attributes['gpu.nvidia.com']"], extendedResourceName: null },
    ];
    const pool = { driver: 'gpu.nvidia.com', name: 'n', generation: 0, slices: [{ name: 's', driver: 'gpu.nvidia.com', pool: { name: 'n', generation: 0, resourceSliceCount: 1 }, nodeName: 'n', nodeSelector: null, allNodes: false, perDeviceNodeSelection: false, sharedCounters: [], devices: [device({ attributes: { type: { string: 'gpu' } } })] }] };
    const read = matchDeviceClasses(classes, [pool]);
    assert.deepEqual([...(read.members.get('inner') ?? [])], ['gpu.nvidia.com/n/gpu-0']);
    assert.deepEqual([...read.unsupported], ['outer']);
    assert.deepEqual(read.warnings, [
      `DeviceClass outer: selector "'gpu.nvidia.com' in device.attributes" cannot be evaluated by quotaplan (\`in\` on device.attributes or device.capacity itself is not supported); no device is counted for this class`,
    ]);
  });

  it('compares quantities exactly: 1 == 1000m, 1Gi + 1 == 1073741825, 80Gi > 40Gi', () => {
    const d = device({ capacity: { memory: q('80Gi') } });
    assert.equal(evaluate("device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('40Gi'))", d), 1n);
    assert.equal(evaluate("device.capacity['gpu.nvidia.com'].memory == quantity('85899345920')", d), true);
    assert.equal(evaluate("quantity('1') == quantity('1000m')"), true);
    assert.equal(evaluate("quantity('1') != quantity('1001m')"), true);
    assert.equal(evaluate("quantity('1Gi').add(1) == quantity('1073741825')"), true);
    assert.equal(evaluate("quantity('1Gi').sub(quantity('1Gi')).sign()"), 0n);
    assert.equal(evaluate("quantity('-2').sign()"), -1n);
    assert.equal(evaluate("quantity('1500m').isInteger()"), false);
    assert.equal(evaluate("quantity('3k').asInteger()"), 3000n);
    assert.equal(evaluate("isQuantity('40Gi') && !isQuantity('40GB')"), true);
    assert.throws(() => evaluate("quantity('1500m').asInteger() == 1"), /integer/);
    assert.throws(() => evaluate("quantity('40GB') == quantity('1')"));
  });

  it("compares versions by semver's precedence and accepts only strict versions", () => {
    const d = device({ attributes: { driverVersion: { version: '570.124.6' } } });
    assert.equal(evaluate("device.attributes['gpu.nvidia.com'].driverVersion.isGreaterThan(semver('565.57.1'))", d), true);
    assert.equal(evaluate("device.attributes['gpu.nvidia.com'].driverVersion.major()", d), 570n);
    assert.equal(evaluate("semver('1.2.3-rc.1').isLessThan(semver('1.2.3'))"), true);
    assert.equal(evaluate("semver('1.2.3-rc.2').compareTo(semver('1.2.3-rc.10'))"), -1n);
    assert.equal(evaluate("semver('1.2.3+build.5') == semver('1.2.3')"), true);
    assert.equal(evaluate("isSemver('1.2.3') && !isSemver('v1.2.3') && !isSemver('1.02.3') && !isSemver('1.2')"), true);
    assert.throws(() => evaluate("semver('v1.2.3').major() == 1"), /semantic version/);
  });

  it('refuses a version attribute that is not semver for every selector on that device', () => {
    assert.throws(() => celDevice('gpu.nvidia.com', device({ attributes: { driverVersion: { version: '570' } } })), /attribute driverVersion: could not parse "570" as a semantic version/);
  });
});
