// The lab's layout: one panel per view, each owning its own DOM (React for
// structure, d3 for the marks inside). Every panel has its own error boundary.
import { useEffect, useState } from 'react';
import { AddressSpace } from '../views/address-space/AddressSpace.tsx';
import { Header } from '../views/header/Header.tsx';
import { PhysicalMemory } from '../views/physical/PhysicalMemory.tsx';
import { PredictPanel } from '../views/predict/PredictPanel.tsx';
import { PteMap } from '../views/pte-map/PteMap.tsx';
import { ResultPanel } from '../views/result/ResultPanel.tsx';
import { ScenarioPanel } from '../views/scenario/ScenarioPanel.tsx';
import { Timeline } from '../views/timeline/Timeline.tsx';
import { PageWalk } from '../views/walk/PageWalk.tsx';
import { WhyPanel } from '../views/why/WhyPanel.tsx';
import { installKeyboard } from './keyboard.ts';
import { PanelBoundary } from './PanelBoundary.tsx';

export function App() {
  const [scenarioOpen, setScenarioOpen] = useState(true);
  useEffect(() => installKeyboard(window), []);
  return (
    <div className="lab" data-scenario={scenarioOpen ? 'open' : 'collapsed'}>
      <PanelBoundary name="header" area="header">
        <Header scenarioOpen={scenarioOpen} onToggleScenario={() => setScenarioOpen((o) => !o)} />
      </PanelBoundary>
      <PanelBoundary name="scenario" area="scenario">
        <ScenarioPanel />
      </PanelBoundary>
      <PanelBoundary name="address space" area="space">
        <AddressSpace />
      </PanelBoundary>
      <PanelBoundary name="PTE map" area="ptes">
        <PteMap />
      </PanelBoundary>
      <PanelBoundary name="page-table walk" area="walk">
        <PageWalk />
      </PanelBoundary>
      <PanelBoundary name="physical memory" area="phys">
        <PhysicalMemory />
      </PanelBoundary>
      <PanelBoundary name="result" area="result">
        <PredictPanel />
        <ResultPanel />
      </PanelBoundary>
      <PanelBoundary name="why" area="why">
        <WhyPanel />
      </PanelBoundary>
      <PanelBoundary name="timeline" area="timeline">
        <Timeline />
      </PanelBoundary>
    </div>
  );
}
